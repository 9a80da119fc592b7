"""Before/after photos on screen: the client page's Photos box (a lazy strip of thumbnails per view, adding files
by dialog or drag and drop, voiding one), the add-photos and comparison dialogs, and the camera capture with its
ghost and grid (capture_dialog, behind the one camera seam in camera_source)."""
