package org.nce.detectors.eval;

import java.lang.reflect.InvocationTargetException;

/**
 * Where the evaluation harness and the bench get their {@link DetectorSuite}: the single place
 * that names the production suite. The class is looked up by name so this package compiles and
 * is testable before (and independently of) the concrete detectors.
 */
public final class DetectorSuites {

    /** System property naming the suite class; overrides {@link #DEFAULT_SUITE_CLASS}. */
    public static final String SUITE_PROPERTY = "nce.detectors.suite";

    /** The production suite, provided by the detectors module once the detectors are merged. */
    public static final String DEFAULT_SUITE_CLASS = "org.nce.detectors.DefaultDetectorSuite";

    private DetectorSuites() {
    }

    /** Name of the suite class to use: the system property if set, else the default. */
    public static String configuredClassName() {
        String name = System.getProperty(SUITE_PROPERTY);
        return name == null || name.isBlank() ? DEFAULT_SUITE_CLASS : name.trim();
    }

    /** The configured suite (system property {@value #SUITE_PROPERTY} or the default class). */
    public static DetectorSuite defaultSuite() {
        return load(configuredClassName());
    }

    /**
     * Instantiates a suite by class name through its public no-argument constructor.
     *
     * @throws IllegalArgumentException saying which class is missing or unusable and how to
     *                                  choose another one
     */
    public static DetectorSuite load(String className) {
        Class<?> type;
        try {
            type = Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("detector suite class " + className + " not found on the classpath"
                    + " (set -D" + SUITE_PROPERTY + "=<class implementing " + DetectorSuite.class.getName()
                    + "> or pass --suite <class>)", e);
        }
        if (!DetectorSuite.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("class " + className + " does not implement " + DetectorSuite.class.getName());
        }
        try {
            return (DetectorSuite) type.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("detector suite " + className + " needs a public no-argument constructor", e);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("detector suite " + className + " failed to construct: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot instantiate detector suite " + className + ": " + e, e);
        }
    }
}
