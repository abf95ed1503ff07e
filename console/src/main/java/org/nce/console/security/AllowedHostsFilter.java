package org.nce.console.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers only requests whose Host header names this console ({@code nce.allowed-hosts}): a page
 * on another site that rebinds its DNS name to this address cannot read the console through the
 * victim's browser. Refused with 421 and a plain message.
 */
public class AllowedHostsFilter extends OncePerRequestFilter {
    private final Set<String> allowed;

    public AllowedHostsFilter(java.util.List<String> allowed) {
        this.allowed = allowed.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws ServletException, IOException {
        String host = req.getHeader("Host");
        String name = host == null ? "" : host.toLowerCase(Locale.ROOT);
        String bare = name.startsWith("[") ? name.substring(0, name.indexOf(']') + 1) : name.replaceFirst(":\\d+$", "");
        if (!allowed.contains(name) && !allowed.contains(bare)) {
            res.setStatus(421);
            res.setContentType("application/json;charset=UTF-8");
            res.getWriter().write("{\"code\":\"unknown_host\",\"message\":\"this console does not answer to that host name\"}");
            return;
        }
        chain.doFilter(req, res);
    }
}
