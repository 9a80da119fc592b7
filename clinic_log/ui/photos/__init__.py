"""A client's before/after photos on screen: the Photos box of the client page (a lazy strip of thumbnails per view,
adding files by dialog or drag and drop, voiding one), the add-photos dialog and the comparison dialog."""
