using LensSweep.Grains.Specs;

namespace LensSweep.Grains.Sweeps;

/// <summary>
/// How a started study grows (<c>lenssweep study extend</c>): to <see cref="Configurations"/> configurations
/// in all (random and TPE search draw more), or to the <see cref="Widened"/> plan of a spec whose other
/// settings match (a grid with more values; a random or TPE spec with a larger count). Both name the study's
/// size after growing rather than an increment, so asking twice grows it once.
/// </summary>
[GenerateSerializer, Immutable, Alias("lenssweep.StudyGrowth")]
public sealed record StudyGrowth(
    [property: Id(0)] int Configurations,
    [property: Id(1)] SweepPlan? Widened = null);

/// <summary>The plan a study grows to, or why it cannot grow.</summary>
/// <param name="Plan">The grown plan; null when <see cref="Problems"/> has any.</param>
/// <param name="Problems">Every reason the growth is refused, each naming what differs.</param>
public sealed record GrownPlan(SweepPlan? Plan, IReadOnlyList<string> Problems)
{
    /// <summary>Trials the grown plan has that the study did not.</summary>
    public int AddedTrials { get; init; }
}

/// <summary>
/// The rules of growing a study, pure: the trials it has keep their numbers, configurations and results, and
/// new trials are numbered after them, so the scheduler's rungs carry on over a larger study.
/// </summary>
public static class PlanGrowth
{
    /// <summary>The plan <paramref name="current"/> grows to under <paramref name="growth"/>.</summary>
    public static GrownPlan Grow(SweepPlan current, StudyGrowth growth)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(growth);
        var result = growth.Widened is { } widened ? Widen(current, widened) : Extend(current, growth.Configurations);
        return result.Plan is { } plan ? result with { AddedTrials = plan.TrialCount - current.TrialCount } : result;
    }

    /// <summary>The growth a sweep can carry out, or an <see cref="ArgumentException"/> listing why not: the study
    /// must have started and not have been cancelled, and <see cref="Grow"/> must find no problem.</summary>
    public static GrownPlan Require(string studyId, SweepPlan? current, SweepProgressState state, StudyGrowth growth)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(growth);
        if (current is null)
        {
            throw new ArgumentException($"Study '{studyId}' has not been started.", nameof(current));
        }

        if (state.Phase == SweepPhase.Cancelled)
        {
            throw new ArgumentException($"Study '{studyId}' was cancelled ({state.CancelReason}); a cancelled study does not grow.", nameof(state));
        }

        var grown = Grow(current, growth);
        return grown.Plan is not null ? grown
            : throw new ArgumentException($"Study '{studyId}' cannot grow so: {string.Join("; ", grown.Problems)}.", nameof(growth));
    }

    /// <summary>The growths asked of a study whose plan is <paramref name="current"/>, in order, that add trials:
    /// each with the trials it adds over the plan before it; one that is no larger than that plan (asked twice,
    /// or overtaken by a larger one) is skipped.</summary>
    public static IEnumerable<(SweepPlan Plan, int Added)> Steps(SweepPlan current, IEnumerable<SweepPlan> asked)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(asked);
        foreach (var plan in asked)
        {
            if (plan.TrialCount > current.TrialCount)
            {
                yield return (plan, plan.TrialCount - current.TrialCount);
                current = plan;
            }
        }
    }

    /// <summary>Whether <paramref name="grown"/> is <paramref name="original"/> after growing: starting the
    /// original spec again (<c>lenssweep run</c> on the same folder) then continues the grown study.</summary>
    public static bool IsGrowthOf(SweepPlan grown, SweepPlan original)
    {
        ArgumentNullException.ThrowIfNull(grown);
        ArgumentNullException.ThrowIfNull(original);
        return Grow(original, new StudyGrowth(0, grown)).Plan is { } plan && plan.IsSameStudyAs(grown);
    }

    /// <summary>More configurations of the same search: TPE proposes them, random search draws them as a
    /// study of that count would (its first draws are the study's), a grid cannot (it grows by a wider spec).</summary>
    private static GrownPlan Extend(SweepPlan current, int configurations)
    {
        int have = current.TrialCount / Math.Max(1, current.Repeats);
        if (configurations < have)
        {
            return Refused($"the study has {have} configurations; it can grow, not shrink, to {configurations}");
        }

        if (configurations == have)
        {
            // Nothing to add, whatever the search: asking again after an interrupted extend continues it.
            return new GrownPlan(current, []);
        }

        if (configurations > SearchSpace.MaxConfigurations)
        {
            return Refused($"{configurations} configurations is more than the {SearchSpace.MaxConfigurations} a study may run");
        }

        if (current.Adaptive is { } adaptive)
        {
            return new GrownPlan(current with { Adaptive = adaptive with { Configurations = configurations } }, []);
        }

        if (current.SampledFrom is not { } space)
        {
            return Refused("a grid study grows by a spec with more values (--spec FILE), not by a number of trials"
                + " (a random study started before this version has no stored space either; give its widened spec)");
        }

        var drawn = space.Expand(new SearchOptions { Kind = SearchKind.Random, Count = configurations }, current.Seed);
        return WithConfigurations(current, drawn);
    }

    /// <summary>The study under a wider spec's plan: settings must match; TPE keeps its space and raises its
    /// count; grid and random keep every configuration the study has, adding the spec's others after them.</summary>
    private static GrownPlan Widen(SweepPlan current, SweepPlan widened)
    {
        var differences = current.SettingsDifferences(widened);
        if (differences.Count > 0)
        {
            return new GrownPlan(null, [.. differences.Select(key => $"{key} differs from the study's; only the search may change when a study grows")]);
        }

        if (current.Adaptive is { } adaptive)
        {
            var wanted = widened.Adaptive!;
            var problems = new List<string>();
            if (wanted.Space != adaptive.Space)
            {
                problems.Add($"{SpecKeys.SearchSpace} differs from the study's; a tpe study grows by its {SpecKeys.Join(SpecKeys.Search, SpecKeys.Count)}, over the same space");
            }

            if (wanted.Startup != adaptive.Startup)
            {
                problems.Add($"{SpecKeys.Join(SpecKeys.Search, SpecKeys.Startup)} differs from the study's ({adaptive.Startup})");
            }

            return problems.Count > 0 ? new GrownPlan(null, problems) : Extend(current, wanted.Configurations);
        }

        return WithConfigurations(current, Configurations(widened));
    }

    /// <summary>The study's configurations first, in their order, then those of <paramref name="wanted"/> it lacks;
    /// refused when a configuration the study has is not among <paramref name="wanted"/>.</summary>
    private static GrownPlan WithConfigurations(SweepPlan current, IReadOnlyList<TrialConfig> wanted)
    {
        var have = Configurations(current);
        var wantedSet = wanted.ToHashSet();
        var missing = have.Count(c => !wantedSet.Contains(c));
        if (missing > 0)
        {
            return Refused($"{missing} of the study's {have.Count} configurations are not in the new {SpecKeys.SearchSpace}"
                + " (a growing study keeps every configuration it has: add values, do not change or remove them)");
        }

        var haveSet = have.ToHashSet();
        var repeats = Math.Max(1, current.Repeats);
        var added = wanted.Where(c => !haveSet.Contains(c)).Distinct().ToList();
        var trials = current.Trials.Concat(added.SelectMany(c => Enumerable.Repeat(c, repeats))).ToList();
        return new GrownPlan(current with { Trials = trials }, []);
    }

    /// <summary>Each configuration of an expanded plan once, in trial order.</summary>
    private static List<TrialConfig> Configurations(SweepPlan plan) =>
        [.. plan.Trials.Where((_, trial) => trial % Math.Max(1, plan.Repeats) == 0)];

    private static GrownPlan Refused(string problem) => new(null, [problem]);
}
