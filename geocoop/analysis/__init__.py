"""Coverage, white zones, synergies, support needs: SQL files in PostGIS, small Python."""
