package org.nce.pipeline.sink;

import java.util.Map;

/**
 * One document to index. {@code officerOwned}: the document may be edited by officers (cases), so
 * the sink reads it first and keeps their fields and decided status, writing with
 * {@code if_seq_no}/{@code if_primary_term} so a concurrent edit is never overwritten.
 */
public record EsDoc(String index, String id, Map<String, Object> source, boolean officerOwned) {
}
