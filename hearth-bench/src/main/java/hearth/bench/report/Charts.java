package hearth.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.text.DecimalFormat;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** PNG line charts for the report, drawn headless with JFreeChart. */
final class Charts {
    static final int WIDTH = 760, HEIGHT = 400;
    private static final int MAX_POINTS = 800;
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {}

    /**
     * Empirical CDFs, one line per series (values in any order; NaN left out). A log x axis when the values span
     * more than two decades, so that tails stay readable.
     */
    static void cdf(Path file, String title, String xLabel, Map<String, double[]> series) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        double min = Double.POSITIVE_INFINITY, max = 0;
        for (var e : series.entrySet()) {
            double[] v = Arrays.stream(e.getValue()).filter(x -> !Double.isNaN(x)).sorted().toArray();
            if (v.length == 0) continue;
            XYSeries s = new XYSeries(e.getKey(), false, true);
            int step = Math.max(1, v.length / MAX_POINTS);
            for (int i = 0; i < v.length; i += step) s.add(v[i], (i + 1.0) / v.length);
            s.add(v[v.length - 1], 1.0);
            data.addSeries(s);
            min = Math.min(min, v[0]);
            max = Math.max(max, v[v.length - 1]);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, "fraction of samples", data, PlotOrientation.VERTICAL,
                true, false, false);
        style(chart);
        XYPlot plot = chart.getXYPlot();
        if (min > 0 && max / min > 100) {
            LogAxis log = new LogAxis(xLabel);
            log.setSmallestValue(min / 2);
            log.setTickUnit(new NumberTickUnit(1)); // one labelled tick per decade
            log.setNumberFormatOverride(new DecimalFormat("0.####"));
            log.setMinorTickMarksVisible(true);
            plot.setDomainAxis(log);
        }
        plot.getRangeAxis().setRange(0, 1.02);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }

    /** Lines through {x, y} points, one per series, with markers when there are few points (sweeps). */
    static void lines(Path file, String title, String xLabel, String yLabel, Map<String, double[][]> series) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        boolean few = true;
        for (var e : series.entrySet()) {
            XYSeries s = new XYSeries(e.getKey(), false, true);
            for (double[] p : e.getValue()) {
                if (!Double.isNaN(p[1])) s.add(p[0], p[1]);
            }
            few &= s.getItemCount() <= 20;
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true, false, false);
        style(chart);
        ((XYLineAndShapeRenderer) chart.getXYPlot().getRenderer()).setDefaultShapesVisible(few);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setOutlineVisible(false);
        XYLineAndShapeRenderer r = (XYLineAndShapeRenderer) plot.getRenderer();
        for (int i = 0; i < plot.getDataset().getSeriesCount(); i++) {
            r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
    }
}
