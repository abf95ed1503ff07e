package org.nce.gateway.hj212;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Hj212CheckTest {
    @Test
    void printsOkWithThePacketOrRefusedWithTheReasonLineByLine() throws Exception {
        String noise = Hj212Writer.frame("QN=20261201220000123;ST=23;CN=2011;PW=123456;MN=NOISE0000000000000000001;Flag=5;"
                + "CP=&&DataTime=20261201220000;LA-Rtd=68.4,LA-Flag=N&&").strip();
        String in = Hj212ParserTest.STANDARD_EXAMPLE.strip() + "\n\n" + noise + "\n" + noise.replace("68.4", "68.5") + "\n";
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int refused = Hj212Check.check(new BufferedReader(new StringReader(in)), new PrintStream(buf, true, StandardCharsets.UTF_8));
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(1, refused);
        assertEquals(3, lines.length, "blank lines are skipped");
        assertTrue(lines[0].startsWith("ok {\"version\":\"HJ 212-2017\",\"qn\":\"20160801085857223\""), lines[0]);
        assertTrue(lines[1].contains("\"data_time\":\"20261201220000\"") && lines[1].contains("\"LA\":{\"Rtd\":\"68.4\",\"Flag\":\"N\"}"), lines[1]);
        assertTrue(lines[2].startsWith("refused CRC "), lines[2]);
    }
}
