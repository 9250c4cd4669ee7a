vcl 4.1;
# Varnish in front of geocoop (docs/operations.md). geocoop's own headers decide what is
# kept and how long (Cache-Control s-maxage, immutable versioned tiles, Vary); this file
# only adds the purge hook: after an import geocoop sends `BAN <prefix>` (from loopback or
# the purgers ACL) and every stored answer under that prefix is dropped — versioned tiles
# (`?v=`) kept when the request says so (a write publishes new tile URLs instead).
# The backend address is replaced by whoever starts Varnish (benchmarks/bench_cache.py).

backend geocoop {
    .host = "127.0.0.1";
    .port = "8000";
}

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "BAN") {
        if (!(client.ip ~ purgers)) {
            return (synth(405, "BAN refused"));
        }
        if (req.http.X-Geocoop-Keep-Versioned) {
            ban("obj.http.X-Geocoop-Url ~ ^" + req.http.X-Geocoop-Ban-Prefix +
                " && obj.http.X-Geocoop-Url !~ [?&]v=");
        } else {
            ban("obj.http.X-Geocoop-Url ~ ^" + req.http.X-Geocoop-Ban-Prefix);
        }
        return (synth(200, "Banned"));
    }
    # the session cookie only matters to pages that write (admin, uploads, proposals)
    if (req.url ~ "^/(api/features|api/maps|api/analysis|tiles)/") {
        unset req.http.Cookie;
    }
}

sub vcl_backend_response {
    # stored URL for bans (lurker-friendly: no req.* in ban expressions)
    set beresp.http.X-Geocoop-Url = bereq.url;
}

sub vcl_deliver {
    unset resp.http.X-Geocoop-Url;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
