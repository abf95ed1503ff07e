package org.nce.gateway.camera;

/**
 * One camera's health for the gateway's heartbeat, a consistent-enough snapshot taken at any time.
 *
 * @param fps         frames handed to the sink per second over the last ~10 s
 * @param framesOut   frames handed to the sink since start
 * @param dropped     sampled frames thrown away because the hand-over queue was full (the oldest
 *                    goes), plus frames the sink threw on
 * @param corrupt     single frames that failed to decode or grab while the stream went on
 * @param restarts    times the stream was closed and opened again after a failure, an end or a
 *                    stall (a file looping is not a restart)
 * @param lastFrameMs capture time (UTC epoch ms) of the last frame handed on, 0 before the first
 * @param state       {@code starting}, {@code streaming}, {@code stalled}, {@code reconnecting},
 *                    {@code ended} (a file or scene without loop played to its end), {@code closed}
 *                    or {@code failed} (the capture thread died of an Error, see lastError)
 * @param lastError   the last failure seen, or null
 */
public record CameraStats(String cameraId, double fps, long framesOut, long dropped, long corrupt, long restarts,
                          long lastFrameMs, String state, String lastError) {
}
