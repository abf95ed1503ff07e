package org.nce.detectors.objects;

import java.util.List;

/** The 80 COCO class names in the order every COCO-trained YOLO model numbers them. */
public final class CocoClasses {

    public static final int PERSON = 0;
    public static final int TRUCK = 7;
    public static final int DOG = 16;

    public static final List<String> NAMES = List.of(
            "person", "bicycle", "car", "motorbike", "aeroplane", "bus", "train", "truck", "boat",
            "traffic light", "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog",
            "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella",
            "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite",
            "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle",
            "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange",
            "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "sofa", "pottedplant", "bed",
            "diningtable", "toilet", "tvmonitor", "laptop", "mouse", "remote", "keyboard", "cell phone",
            "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors",
            "teddy bear", "hair drier", "toothbrush");

    private CocoClasses() {
    }

    public static String name(int classId) {
        return classId >= 0 && classId < NAMES.size() ? NAMES.get(classId) : "class" + classId;
    }
}
