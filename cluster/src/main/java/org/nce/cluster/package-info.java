/** A standalone Flink session cluster on loopback ({@code scripts/cluster.sh}) and {@link org.nce.cluster.FlinkCluster}, its Java handle for tests. */
package org.nce.cluster;
