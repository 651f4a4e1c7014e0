package dev.scaleplan.testkit.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class SvgLineChartTest {

  @Test
  void rendersWellFormedSvgWithOnePathPerSeries() throws Exception {
    String svg = new SvgLineChart("p99 <vs> rate", "rate", "p99 (ms)")
        .add("B = 8", new double[] {0, 1, 2}, new double[] {1, 2, Double.POSITIVE_INFINITY})
        .add("B = 32", new double[] {0, 1, 2}, new double[] {1, 1.5, 3})
        .reference(2.5, "SLO")
        .render();
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    assertEquals("svg", doc.getDocumentElement().getTagName());
    assertEquals(2, doc.getElementsByTagName("path").getLength());
    assertTrue(svg.contains("p99 &lt;vs&gt; rate"), "titles are escaped");
    assertTrue(svg.contains("stroke-dasharray"), "the reference line is dashed");
  }

  @Test
  void ticksAreRound() {
    assertArrayEquals(new double[] {0, 1000, 2000, 3000}, SvgLineChart.ticks(0, 2860), 1e-9); // step 572 rounds up to 1,000
    assertArrayEquals(new double[] {0, 0.005, 0.01, 0.015, 0.02, 0.025}, SvgLineChart.ticks(0, 0.0231), 1e-12);
  }

  @Test
  void rejectsMismatchedSeries() {
    assertThrows(IllegalArgumentException.class,
        () -> new SvgLineChart("t", "x", "y").add("s", new double[] {1, 2}, new double[] {1}));
    assertThrows(IllegalStateException.class, () -> new SvgLineChart("t", "x", "y").render());
  }
}
