package org.nce.gateway.camera;

/** One frame could not be decoded; the stream itself goes on. Counted, never fatal on its own. */
public final class CorruptFrameException extends Exception {
    private static final long serialVersionUID = 1L;

    public CorruptFrameException(String message) {
        super(message);
    }
}
