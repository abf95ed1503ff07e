package org.nce.model;

/**
 * The limit a sensor alert was judged against, as the rule applied it at that time: value, unit
 * and where it comes from ("GB 3096-2008 class 2 night"). The alert carries it so that evidence
 * (the chart's limit line) and the case show exactly what the rule used, computed once.
 */
public record Threshold(double value, String unit, String basis) {
    public Threshold {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("threshold value must be finite");
        }
        Frame.require(unit, "unit");
        Frame.require(basis, "basis");
    }
}
