"""Framework-free pieces of the web map: territory search, territory fiche data, folium maps."""
