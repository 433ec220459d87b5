using System.Text;
using LensSweep.Grains.Scheduling;
using LensSweep.Reporting.Studies;

namespace LensSweep.Reporting.Leaderboards;

/// <summary>The words machine-readable output uses for enum values: snake_case, so they never change with C# naming.</summary>
public static class Naming
{
    public static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    public static string Of(TrialPhase state) => SnakeCase(state.ToString());

    public static string Of(StudyState state) => SnakeCase(state.ToString());

    public static string Of(MetricMode mode) => SnakeCase(mode.ToString());
}
