package org.nce.console.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error as {@code {"code", "message"}}: what was wrong, in words, never a stack trace or a
 * store's internals (those go to the log, with a reference the message gives).
 */
@RestControllerAdvice
public class ApiErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    public static ResponseEntity<Map<String, String>> body(HttpStatus status, String code, String message) {
        return ResponseEntity.status(status).body(Map.of("code", code, "message", message));
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Map<String, String>> api(ApiException e) {
        return body(e.status(), e.code(), e.getMessage());
    }

    @ExceptionHandler(MethodArgumentNotValidException.class)
    ResponseEntity<Map<String, String>> invalid(MethodArgumentNotValidException e) {
        String what = e.getBindingResult().getFieldErrors().stream().map(f -> f.getField() + " " + f.getDefaultMessage())
                .sorted().collect(Collectors.joining("; "));
        return body(HttpStatus.BAD_REQUEST, "invalid", what.isEmpty() ? "the request is not valid" : what);
    }

    @ExceptionHandler(HandlerMethodValidationException.class)
    ResponseEntity<Map<String, String>> invalidParams(HandlerMethodValidationException e) {
        String what = e.getParameterValidationResults().stream()
                .map(r -> r.getMethodParameter().getParameterName() + " " + r.getResolvableErrors().get(0).getDefaultMessage())
                .sorted().collect(Collectors.joining("; "));
        return body(HttpStatus.BAD_REQUEST, "invalid", what);
    }

    @ExceptionHandler(jakarta.validation.ConstraintViolationException.class)
    ResponseEntity<Map<String, String>> violated(jakarta.validation.ConstraintViolationException e) {
        String what = e.getConstraintViolations().stream()
                .map(v -> { String p = v.getPropertyPath().toString(); return p.substring(p.lastIndexOf('.') + 1) + " " + v.getMessage(); })
                .sorted().collect(Collectors.joining("; "));
        return body(HttpStatus.BAD_REQUEST, "invalid", what);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, String>> unreadable(HttpMessageNotReadableException e) {
        return body(HttpStatus.BAD_REQUEST, "bad_json", "the body is not the JSON this call takes (unknown fields are refused)");
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, MethodArgumentTypeMismatchException.class})
    ResponseEntity<Map<String, String>> param(Exception e) {
        String name = e instanceof MissingServletRequestParameterException m ? m.getParameterName()
                : ((MethodArgumentTypeMismatchException) e).getName();
        return body(HttpStatus.BAD_REQUEST, "bad_parameter", "parameter " + name + " is missing or not of its type");
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<Map<String, String>> method(HttpRequestMethodNotSupportedException e) {
        return body(HttpStatus.METHOD_NOT_ALLOWED, "method", e.getMethod() + " is not allowed here");
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<Map<String, String>> mediaType(HttpMediaTypeNotSupportedException e) {
        return body(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "media_type", "send JSON (Content-Type: application/json)");
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<Map<String, String>> none(NoResourceFoundException e) {
        return body(HttpStatus.NOT_FOUND, "not_found", "nothing here");
    }

    private static boolean brokenPipe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException && t.getMessage() != null
                    && (t.getMessage().contains("Broken pipe") || t.getMessage().contains("Connection reset"))) {
                return true;
            }
        }
        return false;
    }

    /** The client went away mid-answer (a browser seeking in a clip cancels its range request): nothing to tell it. */
    @ExceptionHandler(org.springframework.web.context.request.async.AsyncRequestNotUsableException.class)
    void clientGone(Exception e, HttpServletRequest req) {
        LOG.debug("client left during {} {}: {}", req.getMethod(), req.getRequestURI(), e.getMessage());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, String>> unexpected(Exception e, HttpServletRequest req) {
        if (e instanceof org.springframework.http.converter.HttpMessageNotWritableException && brokenPipe(e)) {
            // A page left while its answer was written (a navigation cancels the page's fetches): not our error.
            clientGone(e, req);
            return null;
        }
        String ref = Long.toHexString(System.nanoTime());
        LOG.error("unexpected error {} on {} {}", ref, req.getMethod(), req.getRequestURI(), e);
        return body(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "something went wrong on our side (reference " + ref + ")");
    }
}
