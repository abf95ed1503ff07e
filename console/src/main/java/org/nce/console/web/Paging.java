package org.nce.console.web;

/** Elasticsearch answers from + size up to 10,000 hits: a deeper page is refused here, with why. */
final class Paging {
    static final int MAX_WINDOW = 10_000;

    private Paging() {
    }

    static void check(int page, int size) {
        if ((long) (page + 1) * size > MAX_WINDOW) {
            throw ApiException.badRequest("page_too_deep", "pages reach the first " + MAX_WINDOW + " results; narrow the search "
                    + "(a time range, a site, a status) to see older ones");
        }
    }
}
