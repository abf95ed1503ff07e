package org.nce.model;

import java.util.List;

/** An alert together with the evidence stored for it. */
public record EvidencedAlert(Alert alert, List<EvidenceRef> evidence) {
    public EvidencedAlert {
        evidence = evidence == null ? List.of() : List.copyOf(evidence);
    }
}
