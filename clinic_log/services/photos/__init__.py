"""Before/after photos of a client: reading and cleaning image files (images.py), adding, listing, voiding and
comparing them (photos.py), and exporting them to a folder (photo_export.py). The images live in the database."""
