"""The session form: its view, controller and sections (areas, products, complications, warnings, the face and body
map).
"""
