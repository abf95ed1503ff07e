package org.nce.console.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Ends a session whose account an admin has changed since it logged in (roles, password, disabled
 * or gone): the request goes on as a stranger's (401 for the API, the login page for pages), and
 * the user logs in again with what the account is now.
 */
final class AccountSessionFilter extends OncePerRequestFilter {
    private static final Logger LOG = LoggerFactory.getLogger(AccountSessionFilter.class);
    private final Accounts accounts;
    private final SecurityContextHolderStrategy holder = SecurityContextHolder.getContextHolderStrategy();

    AccountSessionFilter(Accounts accounts) {
        this.accounts = accounts;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain) throws ServletException, IOException {
        Authentication a = holder.getContext().getAuthentication();
        if (a != null && a.getPrincipal() instanceof Account account && !accounts.stillValid(account)) {
            LOG.info("session of {} ended: the account was changed, disabled or removed since it logged in", account.getUsername());
            HttpSession s = req.getSession(false);
            if (s != null) {
                s.invalidate();
            }
            holder.clearContext();
        }
        chain.doFilter(req, res);
    }
}
