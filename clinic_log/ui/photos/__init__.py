"""Before/after photos on screen: the camera capture with its ghost and grid (capture_dialog, behind the one camera
seam in camera_source)."""
