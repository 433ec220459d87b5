using System.Globalization;
using System.Text;

namespace LensSweep.Silo.Health;

/// <summary>The Prometheus text exposition format (version 0.0.4) of <see cref="EngineMetrics"/>.</summary>
public static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Format(EngineMetrics metrics)
    {
        var text = new StringBuilder();
        Gauge(text, "lenssweep_trials_running", "Trials training on this silo's device slots.", metrics.TrialsRunning);
        Gauge(text, "lenssweep_trials_waiting", "Trials in the cluster waiting for a free device slot.", metrics.TrialsWaiting);
        Gauge(text, "lenssweep_slots_busy", "Device slots of this silo held by a trial.", metrics.SlotsBusy);
        Gauge(text, "lenssweep_slots_total", "Device slots this silo offers.", metrics.SlotsTotal);
        return text.ToString();
    }

    private static void Gauge(StringBuilder text, string name, string help, int value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n");
}
