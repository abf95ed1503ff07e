package org.nce.detectors.objects;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a real, tiny ONNX file that OpenCV DNN loads like any exported YOLO model: input
 * {@code images [1,3,S,S]} -> GlobalAveragePool -> 1x1 Conv with zero weights and the given bias ->
 * Reshape to {@code outShape}. Whatever the picture, it outputs the bias: one candidate row in the
 * layout {@code outShape} implies (YOLOv5 {@code [1,1,85]} or YOLOv8 {@code [1,84,1]}).
 *
 * <p>No ONNX or protobuf library is needed: the few protobuf messages are encoded by hand (field
 * numbers from onnx.proto). No model file can be downloaded in the build, and the ONNX path of
 * {@link YoloObjectDetector} deserves a test through OpenCV's real importer.
 */
final class TinyOnnxModel {

    private static final int FLOAT = 1;
    private static final int INT64 = 7;

    private TinyOnnxModel() {
    }

    static Path write(Path file, int inputSize, float[] outputRow, long[] outShape) throws IOException {
        int channels = outputRow.length;
        byte[] graph = concat(
                field(1, node("GlobalAveragePool", new String[] {"images"}, "pooled", new byte[0])),
                field(1, node("Conv", new String[] {"pooled", "w", "b"}, "conv",
                        field(5, attributeInts("kernel_shape", 1, 1)))),
                field(1, node("Reshape", new String[] {"conv", "shape"}, "output", new byte[0])),
                string(2, "tiny-yolo"),
                field(5, floatTensor("w", new float[channels * 3], channels, 3, 1, 1)),
                field(5, floatTensor("b", outputRow, channels)),
                field(5, int64Tensor("shape", outShape)),
                field(11, valueInfo("images", 1, 3, inputSize, inputSize)),
                field(12, valueInfo("output", outShape)));
        byte[] model = concat(
                varintField(1, 7),                                  // ir_version
                field(8, concat(string(1, ""), varintField(2, 13))), // opset_import: default domain, opset 13
                string(2, "nce-test"),                                // producer_name
                field(7, graph));
        return Files.write(file, model);
    }

    private static byte[] node(String op, String[] inputs, String output, byte[] attributes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String in : inputs) {
            out.writeBytes(string(1, in));
        }
        out.writeBytes(string(2, output));
        out.writeBytes(string(3, op + "_" + output));
        out.writeBytes(string(4, op));
        out.writeBytes(attributes);
        return out.toByteArray();
    }

    private static byte[] attributeInts(String name, long... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(string(1, name));
        for (long v : values) {
            out.writeBytes(varintField(8, v));
        }
        out.writeBytes(varintField(20, 7)); // AttributeType INTS
        return out.toByteArray();
    }

    private static byte[] floatTensor(String name, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        return tensor(name, FLOAT, raw.array(), dims);
    }

    private static byte[] int64Tensor(String name, long[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            raw.putLong(v);
        }
        return tensor(name, INT64, raw.array(), values.length);
    }

    private static byte[] tensor(String name, int type, byte[] raw, long... dims) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long d : dims) {
            out.writeBytes(varintField(1, d));
        }
        out.writeBytes(varintField(2, type));
        out.writeBytes(string(8, name));
        out.writeBytes(field(9, raw));
        return out.toByteArray();
    }

    private static byte[] valueInfo(String name, long... dims) {
        ByteArrayOutputStream shape = new ByteArrayOutputStream();
        for (long d : dims) {
            shape.writeBytes(field(1, varintField(1, d))); // TensorShapeProto.dim { dim_value }
        }
        byte[] tensorType = concat(varintField(1, FLOAT), field(2, shape.toByteArray()));
        return concat(string(1, name), field(2, field(1, tensorType)));
    }

    private static byte[] string(int field, String s) {
        return field(field, s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static byte[] field(int field, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarint(out, (long) field << 3 | 2);
        writeVarint(out, payload.length);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static byte[] varintField(int field, long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarint(out, (long) field << 3);
        writeVarint(out, value);
        return out.toByteArray();
    }

    private static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
