package org.nce.console.web;

import java.util.regex.Pattern;

/**
 * What a case id, alert id or evidence key from a request may look like. They reach Elasticsearch
 * only as document ids and term values (never inside a query string) and the bucket only after the
 * key was found cited by an alert; the shape check refuses traversal and control characters early,
 * with a clear message.
 */
public final class Ids {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9:._@-]{0,511}");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9:._@/-]{0,1023}");

    private Ids() {
    }

    public static String id(String value, String what) {
        if (value == null || !ID.matcher(value).matches()) {
            throw ApiException.badRequest("bad_id", what + " must be 1-512 characters of A-Z a-z 0-9 : . _ @ -");
        }
        return value;
    }

    public static String key(String value) {
        if (value == null || !KEY.matcher(value).matches() || value.contains("..") || value.contains("//")) {
            throw ApiException.badRequest("bad_key", "an evidence key is a path of A-Z a-z 0-9 : . _ @ - / without '..' or '//'");
        }
        return value;
    }
}
