package org.nce.demo;

/** The first slice against the loopback servers that {@code ./nce test} starts. */
class FirstSliceIT extends FirstSliceScenario {
    @Override
    Servers servers() {
        return Servers.local();
    }
}
