package org.nce.demo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class BrokerAclTest {
    private final BrokerAcl acl = new BrokerAcl(Set.of("site-a", "site-b"));

    @Test
    void aSitePublishesOnlyUnderItsOwnSubtree() {
        assertTrue(acl.mayPublish("site-a", "nce/site-a/reading/noise-1"));
        assertTrue(acl.mayPublish("site-a", "nce/site-a"));
        assertFalse(acl.mayPublish("site-a", "nce/site-b/reading/noise-1"));
        assertFalse(acl.mayPublish("site-a", "nce/site-ab/reading/noise-1"));
        assertFalse(acl.mayPublish("site-a", "nce"));
        assertFalse(acl.mayPublish("site-a", "other/site-a/x"));
    }

    @Test
    void aSiteSubscribesOnlyToFiltersInsideItsSubtree() {
        assertTrue(acl.maySubscribe("site-a", "nce/site-a/#"));
        assertTrue(acl.maySubscribe("site-a", "nce/site-a/+/noise-1"));
        assertFalse(acl.maySubscribe("site-a", "nce/#"));
        assertFalse(acl.maySubscribe("site-a", "nce/+/reading/noise-1"));
        assertFalse(acl.maySubscribe("site-a", "#"));
        assertFalse(acl.maySubscribe("site-a", "$share/g/nce/site-b/#"));
    }

    @Test
    void thePipelineReadsEverythingUnderNceAndWritesNothing() {
        assertTrue(acl.maySubscribe("nce-pipeline", "nce/#"));
        assertTrue(acl.maySubscribe("nce-pipeline", "$share/nce-job/nce/+/frame/#"));
        assertFalse(acl.maySubscribe("nce-pipeline", "$share/nce-job/#"));
        assertFalse(acl.maySubscribe("nce-pipeline", "$share//nce/#"));
        assertFalse(acl.maySubscribe("nce-pipeline", "$share/nce/#"), "no group: the filter would be '#'");
        assertFalse(acl.maySubscribe("nce-pipeline", "$SYS/#"));
        assertFalse(acl.mayPublish("nce-pipeline", "nce/site-a/reading/noise-1"));
        assertFalse(acl.mayPublish("nce-pipeline", "nce/nce-pipeline/reading/noise-1"), "no pattern rule for the pipeline");
    }

    @Test
    void theAdminReadsAndWritesUnderNce() {
        assertTrue(acl.mayPublish("nce-admin", "nce/site-b/reading/noise-1"));
        assertTrue(acl.maySubscribe("nce-admin", "nce/#"));
        assertFalse(acl.mayPublish("nce-admin", "elsewhere"));
    }

    @Test
    void anUnknownUserMayDoNothing() {
        assertFalse(acl.mayPublish("site-x", "nce/site-x/reading/noise-1"));
        assertFalse(acl.maySubscribe("", "nce/#"));
    }

    @Test
    void aSiteIdThatIsNotOneTopicLevelIsRejected() {
        for (String bad : new String[] {"a/b", "site+", "#", "", "a:b", "nce-admin"}) {
            assertThrows(IllegalArgumentException.class, () -> new BrokerAcl(Set.of(bad)), bad);
        }
    }
}
