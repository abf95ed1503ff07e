package org.nce.pipeline;

import java.util.List;
import org.bytedeco.javacpp.Loader;

/**
 * Loads the native libraries of OpenCV and FFmpeg (JavaCPP) on a thread of its own, once per class
 * loader, before a task uses them.
 *
 * <p>Why: JavaCPP extracts its libraries to a cache under a file lock, and a lock wait is
 * interruptible. Flink interrupts a task's thread when it cancels the task (every failover cancels
 * the tasks that survive), and when that lands while a class such as {@code Mat} is being
 * initialised, the class is broken for good in that class loader ({@code NoClassDefFoundError:
 * Could not initialize class org.bytedeco.opencv.opencv_core.Mat}), so every restart of the job on
 * that TaskManager failed again. Seen in PipelineFailuresIT's TaskManager kill. Here the loading
 * thread is not the task's, so a cancellation never interrupts it; the task only waits for it.
 */
public final class NativeLibraries {
    private static final List<String> CLASSES = List.of(
            "org.bytedeco.opencv.global.opencv_core", "org.bytedeco.opencv.global.opencv_imgproc",
            "org.bytedeco.opencv.global.opencv_imgcodecs", "org.bytedeco.opencv.global.opencv_video",
            "org.bytedeco.opencv.global.opencv_dnn", "org.bytedeco.opencv.opencv_core.Mat",
            "org.bytedeco.ffmpeg.global.avutil", "org.bytedeco.ffmpeg.global.avcodec",
            "org.bytedeco.ffmpeg.global.avformat", "org.bytedeco.ffmpeg.global.swscale");
    private static volatile boolean loaded;

    private NativeLibraries() {
    }

    /** Returns once every library is loaded; a cancellation of the caller meanwhile is kept, not lost. */
    public static void ensureLoaded() {
        if (loaded) {
            return;
        }
        synchronized (NativeLibraries.class) {
            if (loaded) {
                return;
            }
            ClassLoader cl = NativeLibraries.class.getClassLoader();
            Throwable[] failure = new Throwable[1];
            Thread t = new Thread(() -> {
                try {
                    for (String name : CLASSES) {
                        Loader.load(Class.forName(name, true, cl));
                    }
                } catch (Throwable e) {
                    failure[0] = e;
                }
            }, "nce-native-libraries");
            t.setDaemon(true);
            t.setContextClassLoader(cl);
            t.start();
            boolean interrupted = false;
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the task is being cancelled: let the load finish, then say so
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failure[0] != null) {
                throw new IllegalStateException("could not load the OpenCV/FFmpeg native libraries: " + failure[0], failure[0]);
            }
            loaded = true;
        }
    }
}
