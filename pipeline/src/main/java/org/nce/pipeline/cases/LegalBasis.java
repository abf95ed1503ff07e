package org.nce.pipeline.cases;

import java.util.Map;
import org.nce.model.EventType;

/**
 * The statute a draft case cites for each kind of violation. A starting point for the officer, who
 * confirms it; the bureau's legal office should review these texts before production use.
 */
public final class LegalBasis {
    private static final Map<EventType, String> BASIS = Map.of(
            EventType.OPEN_BURNING, "《中华人民共和国大气污染防治法》第七十七条（禁止在人口集中地区露天焚烧秸秆、落叶、垃圾等产生烟尘污染的物质）；罚则第一百一十九条",
            EventType.MUCK_DUMPING, "《城市建筑垃圾管理规定》第十五条、第二十条（不得随意倾倒、抛撒建筑垃圾）；罚则第二十六条",
            EventType.UNLEASHED_DOG, "《中华人民共和国动物防疫法》第三十条（携带犬只出户的，应当采取系犬绳等措施）；罚则第九十二条",
            EventType.NOISE_EXCEEDANCE, "《中华人民共和国噪声污染防治法》第四十三条、第六十四条（夜间施工及社会生活噪声）；GB 3096-2008 / GB 12523-2011 排放限值",
            EventType.LAMPBLACK_EXCEEDANCE, "《中华人民共和国大气污染防治法》第八十一条（餐饮服务业油烟达标排放）；GB 18483-2001；罚则第一百一十八条",
            EventType.PURIFIER_NOT_RUNNING, "《中华人民共和国大气污染防治法》第八十一条（安装油烟净化设施并保持正常使用）；罚则第一百一十八条");

    private LegalBasis() {
    }

    public static String of(EventType type) {
        return BASIS.getOrDefault(type, "");
    }
}
