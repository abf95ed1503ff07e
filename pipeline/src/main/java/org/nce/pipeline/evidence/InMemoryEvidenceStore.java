package org.nce.pipeline.evidence;

import java.io.FileNotFoundException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.nce.model.EvidenceRef;
import org.nce.model.Hashes;

/** An evidence store in memory, for unit tests of the stages around it. */
public final class InMemoryEvidenceStore implements EvidenceStore {
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();

    @Override
    public EvidenceRef put(String key, byte[] bytes, String contentType, String kind, Map<String, String> metadata)
            throws EvidenceConflictException {
        byte[] stored = objects.putIfAbsent(key, bytes.clone());
        if (stored != null && !java.util.Arrays.equals(stored, bytes)) {
            throw new EvidenceConflictException(new EvidenceRef(key, Hashes.sha256(stored), contentType, stored.length, kind),
                    Hashes.sha256(bytes));
        }
        return new EvidenceRef(key, Hashes.sha256(bytes), contentType, bytes.length, kind);
    }

    @Override
    public byte[] get(String key) throws FileNotFoundException {
        byte[] b = objects.get(key);
        if (b == null) {
            throw new FileNotFoundException(key);
        }
        return b.clone();
    }

    public Map<String, byte[]> objects() {
        return Map.copyOf(objects);
    }
}
