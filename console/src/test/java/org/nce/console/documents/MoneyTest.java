package org.nce.console.documents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MoneyTest {
    @Test
    void writesAmountsOutAsADecisionStatesThem() {
        assertEquals("零元整", Money.upper(0));
        assertEquals("贰拾元整", Money.upper(20));
        assertEquals("贰佰元整", Money.upper(200));
        assertEquals("壹仟零伍元整", Money.upper(1005));
        assertEquals("伍仟元整", Money.upper(5000));
        assertEquals("壹万元整", Money.upper(10000));
        assertEquals("壹万零伍佰元整", Money.upper(10500));
        assertEquals("壹万贰仟叁佰肆拾伍元整", Money.upper(12345));
        assertEquals("壹拾万元整", Money.upper(100000));
        assertEquals("壹佰万元整", Money.upper(1000000));
        assertEquals("壹佰万零壹元整", Money.upper(1000001));
        assertEquals("伍万零陆拾元整", Money.upper(50060));
    }
}
