"""Framework-free data layer behind the OGC API – Features, the tiles and the exports.

`collections` describes what can be served (tables, ids, queryables, geometry);
`params` turns query-string values into a typed `ItemQuery`; `query` runs it in PostGIS
and returns GeoJSON text built by the database; `cql2` compiles CQL2 text filters into
SQLAlchemy expressions on whitelisted queryables only; `tiles` builds Mapbox vector tiles.
Nothing here imports Flask.
"""
