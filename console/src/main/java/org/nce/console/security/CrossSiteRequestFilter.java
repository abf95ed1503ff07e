package org.nce.console.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The API answers no request another site's page made the browser send (Fetch Metadata: a browser
 * marks it {@code Sec-Fetch-Site: cross-site}). The session cookie is SameSite=Lax so that an OIDC
 * provider's return carries it, which also lets a link on another site carry it: without this, such
 * a link to an evidence download would put a download the officer never made in the custody log.
 * Scripts and tools send no such header and are unaffected; a link the user opens themselves is
 * {@code none}, and the console's own pages are {@code same-origin}.
 */
final class CrossSiteRequestFilter extends OncePerRequestFilter {
    @Override
    protected boolean shouldNotFilter(HttpServletRequest req) {
        return !req.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain) throws ServletException, IOException {
        if ("cross-site".equals(req.getHeader("Sec-Fetch-Site"))) {
            res.setStatus(403);
            res.setContentType("application/json;charset=UTF-8");
            res.getWriter().write("{\"code\":\"cross_site\",\"message\":\"the console's API does not answer requests made by another site's page\"}");
            return;
        }
        chain.doFilter(req, res);
    }
}
