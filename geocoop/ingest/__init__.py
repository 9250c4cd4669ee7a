"""Files → validated rows → database: readers per format, locating, reject reports."""
