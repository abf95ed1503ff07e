package org.nce.console.documents;

/** An amount in yuan written out in 大写 (the form a 决定书 states a fine in, so it cannot be altered by a stroke). */
final class Money {
    private static final String DIGITS = "零壹贰叁肆伍陆柒捌玖";
    private static final String[] UNITS = {"", "拾", "佰", "仟"};
    private static final String[] GROUPS = {"", "万", "亿"};

    private Money() {
    }

    static String upper(long yuan) {
        if (yuan < 0 || yuan >= 1_000_000_000_000L) {
            throw new IllegalArgumentException("amount out of range: " + yuan);
        }
        if (yuan == 0) {
            return "零元整";
        }
        StringBuilder out = new StringBuilder();
        boolean zeroPending = false;
        for (int g = 2; g >= 0; g--) {
            int group = (int) (yuan / (long) Math.pow(10_000, g) % 10_000);
            if (group == 0) {
                zeroPending = out.length() > 0;
                continue;
            }
            if (zeroPending || (out.length() > 0 && group < 1000)) {
                out.append('零');
            }
            zeroPending = false;
            boolean zero = false;
            for (int u = 3; u >= 0; u--) {
                int d = group / (int) Math.pow(10, u) % 10;
                if (d == 0) {
                    zero = true;
                    continue;
                }
                if (zero && out.length() > 0 && out.charAt(out.length() - 1) != '零') {
                    boolean leading = u == 3 || group / (int) Math.pow(10, u + 1) == 0;
                    if (!leading) {
                        out.append('零');
                    }
                }
                zero = false;
                out.append(DIGITS.charAt(d)).append(UNITS[u]);
            }
            out.append(GROUPS[g]);
        }
        return out + "元整";
    }
}
