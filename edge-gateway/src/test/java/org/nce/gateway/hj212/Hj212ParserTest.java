package org.nce.gateway.hj212;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nce.model.SensorReading;

class Hj212ParserTest {
    /** HJ 212-2017's own example packet (set the real-time interval), with its length and CRC. */
    static final String STANDARD_EXAMPLE = "##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;"
            + "CP=&&RtdInterval=30&&1C80\r\n";

    static final Hj212Device NOISE = new Hj212Device("noise-1", "NOISE0000000000000000001", "noise", "PW_ENV", Map.of(), "2", null);
    static final Hj212Device FUME = new Hj212Device("fume-1", "FUME00000000000000000001", "lampblack", "PW_ENV",
            Map.of("concentration", "LB01", "fan", "FJ01", "purifier", "JH01"), null, null);

    @Test
    void acceptsTheStandardsOwnExample() throws Exception {
        Hj212Packet p = Hj212Parser.parse(STANDARD_EXAMPLE);
        assertEquals(Hj212Packet.Version.HJ212_2017, p.version());
        assertEquals("20160801085857223", p.qn());
        assertEquals("32", p.st());
        assertEquals("1062", p.cn());
        assertEquals("100000", p.pw());
        assertEquals("010000A8900016F000169DC0", p.mn());
        assertEquals(5, p.flag());
        assertTrue(p.ackRequested());
        assertFalse(p.split());
        assertEquals("30", p.cp().get("RtdInterval"));
        assertEquals("hj212", p.crcKind());
        // And the writer frames the same segment the same way.
        assertEquals(STANDARD_EXAMPLE, Hj212Writer.frame("QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;"
                + "Flag=5;CP=&&RtdInterval=30&&"));
    }

    @Test
    void readsANoiseRealTimeUpload() throws Exception {
        String packet = Hj212Writer.frame("QN=20261201220000123;ST=23;CN=2011;PW=123456;MN=NOISE0000000000000000001;Flag=5;"
                + "CP=&&DataTime=20261201220000;LA-Rtd=68.4,LA-Flag=N;LMx-Rtd=81.2,LMx-Flag=N&&");
        Hj212Packet p = Hj212Parser.parse(packet);
        assertEquals("20261201220000", p.dataTime());
        assertEquals(Map.of("Rtd", "68.4", "Flag", "N"), p.factors().get("LA"));
        SensorReading r = new ReadingMapper("site-a", ZoneId.of("Asia/Shanghai")).map(p, NOISE);
        assertEquals(68.4, r.value());
        assertEquals(81.2, r.lmax());
        assertEquals("N", r.flag());
        assertEquals("rtd", r.dataKind());
        assertEquals("NOISE0000000000000000001-2011-20261201220000-LA", r.messageId());
        assertEquals(java.time.Instant.parse("2026-12-01T14:00:00Z").toEpochMilli(), r.timestampMs());
    }

    @Test
    void minuteDataUsesTheAverageAndTheFlagTravelsWithTheReading() throws Exception {
        String packet = Hj212Writer.frame("QN=20261201220100000;ST=23;CN=2051;PW=123456;MN=NOISE0000000000000000001;Flag=4;"
                + "CP=&&DataTime=20261201220000;LA-Avg=61.0,LA-Max=75.0,LA-Min=50.1,LA-Flag=C;LMx-Max=88.0&&");
        SensorReading r = new ReadingMapper("site-a", ZoneId.of("Asia/Shanghai")).map(Hj212Parser.parse(packet), NOISE);
        assertEquals(61.0, r.value());
        assertEquals(88.0, r.lmax());
        assertEquals("C", r.flag());
        assertFalse(r.normal());
        assertEquals("minute", r.dataKind());
    }

    @Test
    void lampblackUsesTheConfiguredCodesAndRunningStatusFillsInTheFan() throws Exception {
        ReadingMapper m = new ReadingMapper("site-a", ZoneId.of("Asia/Shanghai"));
        assertNull(m.map(Hj212Parser.parse(Hj212Writer.frame("QN=20261201120000000;ST=32;CN=2021;PW=1;MN=FUME00000000000000000001;Flag=4;"
                + "CP=&&DataTime=20261201120000;FJ01-RS=1;JH01-RS=0&&")), FUME));
        SensorReading r = m.map(Hj212Parser.parse(Hj212Writer.frame("QN=20261201120001000;ST=32;CN=2011;PW=1;MN=FUME00000000000000000001;"
                + "Flag=4;CP=&&DataTime=20261201120001;LB01-Rtd=2.74,LB01-Flag=N&&")), FUME);
        assertEquals(2.74, r.value());
        assertEquals(Boolean.TRUE, r.fanOn());
        assertEquals(Boolean.FALSE, r.purifierOn());
    }

    @Test
    void acceptsHjt2122005FramingWithEitherCheck() throws Exception {
        String seg = "QN=20040516010101001;ST=32;CN=2011;PW=123456;MN=88888880000001;CP=&&DataTime=20040516010101;B03-Rtd=55.5&&";
        byte[] b = seg.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Hj212Packet hj = Hj212Parser.parse(Hj212Writer.frame(seg));
        assertEquals(Hj212Packet.Version.HJT212_2005, hj.version());
        String modbus = "##" + String.format("%04d", b.length) + seg + Crc16.hex(Crc16.modbus(b, 0, b.length)) + "\r\n";
        Hj212Packet mb = Hj212Parser.parse(modbus);
        assertEquals("modbus", mb.crcKind());
        assertEquals(55.5, new ReadingMapper("s", ZoneId.of("Asia/Shanghai")).map(mb,
                new Hj212Device("n", "88888880000001", "noise", "E", Map.of(), null, null)).value());
    }

    @Test
    void aModbusCheckIsNotEnoughFor2017Packets() {
        String seg = "QN=20261201120000000;ST=23;CN=2011;PW=1;MN=NOISE0000000000000000001;Flag=4;CP=&&DataTime=20261201120000;LA-Rtd=50&&";
        byte[] b = seg.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        String modbus = "##" + String.format("%04d", b.length) + seg + Crc16.hex(Crc16.modbus(b, 0, b.length));
        Hj212Exception e = assertThrows(Hj212Exception.class, () -> Hj212Parser.parse(modbus));
        assertEquals("crc", e.kind());
    }

    @Test
    void everyBadPacketIsRefusedWithItsReason() {
        String good = STANDARD_EXAMPLE.strip();
        assertRefused("crc", good.substring(0, good.length() - 4) + "1C81");
        assertRefused("length", "##0102" + good.substring(6));
        assertRefused("length", good.substring(0, 50));
        assertRefused("header", good.substring(1));
        assertRefused("length", "##01a1" + good.substring(6));
        assertRefused("non_ascii", good.replace("PW=100000", "PW=10000\u00e9"));
        assertRefused("truncated", "##01");
        assertRefused("cp", Hj212Writer.frame("QN=20160801085857223;ST=32;CN=2011;PW=1;MN=A1;Flag=5;CP=&&DataTime=20160801085857").strip());
        assertRefused("mn", Hj212Writer.frame("QN=20160801085857223;ST=32;CN=2011;PW=1;Flag=5;CP=&&&&").strip());
        assertRefused("flag", Hj212Writer.frame("ST=32;CN=2011;PW=1;MN=A1;Flag=9;CP=&&&&").strip());
        assertRefused("split", Hj212Writer.frame("QN=20160801085857223;ST=32;CN=2011;PW=1;MN=A1;Flag=7;CP=&&&&").strip());
        assertRefused("cp", Hj212Writer.frame("ST=32;CN=2011;PW=1;MN=A1;Flag=4;CP=&&LA-Rtd=1,LA-Rtd=2&&").strip());
        assertRefused("data_time", Hj212Writer.frame("ST=32;CN=2011;PW=1;MN=A1;Flag=4;CP=&&DataTime=2016&&").strip());
    }

    @Test
    void aValueNoDeviceCanReportIsRefused() throws Exception {
        Hj212Packet p = Hj212Parser.parse(Hj212Writer.frame("QN=20261201220000123;ST=23;CN=2011;PW=1;MN=NOISE0000000000000000001;Flag=4;"
                + "CP=&&DataTime=20261201220000;LA-Rtd=250,LA-Flag=N&&"));
        Hj212Exception e = assertThrows(Hj212Exception.class, () -> new ReadingMapper("s", ZoneId.of("UTC")).map(p, NOISE));
        assertEquals("value", e.kind());
    }

    @Test
    void aBadLmaxDoesNotCostTheLaeqAndAnImpossibleDateIsRefused() throws Exception {
        ReadingMapper m = new ReadingMapper("s", ZoneId.of("Asia/Shanghai"));
        SensorReading r = m.map(Hj212Parser.parse(Hj212Writer.frame("QN=20261201220000123;ST=23;CN=2011;PW=1;MN=NOISE0000000000000000001;"
                + "Flag=4;CP=&&DataTime=20261201220000;LA-Rtd=60.5,LA-Flag=N;LMx-Rtd=999,LMx-Flag=N&&")), NOISE);
        assertEquals(60.5, r.value());
        assertNull(r.lmax());
        Hj212Packet feb31 = Hj212Parser.parse(Hj212Writer.frame("QN=20230231120000000;ST=23;CN=2011;PW=1;MN=NOISE0000000000000000001;"
                + "Flag=4;CP=&&DataTime=20230231120000;LA-Rtd=60.5&&"));
        assertEquals("data_time", assertThrows(Hj212Exception.class, () -> m.map(feb31, NOISE)).kind());
    }

    @Test
    void theHjt2122005PowerFailureFlagIsAFaultNotARefusal() throws Exception {
        SensorReading r = new ReadingMapper("s", ZoneId.of("Asia/Shanghai")).map(Hj212Parser.parse(Hj212Writer.frame(
                "QN=20040516010101001;ST=32;CN=2011;PW=1;MN=88888880000001;CP=&&DataTime=20040516010101;B03-Rtd=55.5,B03-Flag=P&&")),
                new Hj212Device("n", "88888880000001", "noise", "E", Map.of(), null, null));
        assertEquals("P", r.flag());
        assertFalse(r.normal());
    }

    private static void assertRefused(String kind, String packet) {
        Hj212Exception e = assertThrows(Hj212Exception.class, () -> Hj212Parser.parse(packet), packet);
        assertEquals(kind, e.kind(), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }
}
