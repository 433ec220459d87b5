using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Storage;
using LensSweep.Models.Data;

namespace LensSweep.Grains.Sweeps;

/// <summary>
/// What a sweep grain needs to run a study: the spec's settings and its trials, already expanded from the
/// search space (trial n is <c>Trials[n]</c>). Build it with <see cref="From"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("lenssweep.SweepPlan")]
public sealed record SweepPlan(
    [property: Id(0)] string StudyId,
    [property: Id(1)] DatasetOptions Dataset,
    [property: Id(2)] SchedulerOptions Scheduler,
    [property: Id(3)] int MaxConcurrentTrials,
    [property: Id(4)] ProbeSettings Probe,
    [property: Id(5)] int Seed,
    [property: Id(6)] IReadOnlyList<TrialConfig> Trials)
{
    /// <summary>Trials per configuration: trial <c>n</c> is repeat <c>n % Repeats</c> of configuration <c>n / Repeats</c>.</summary>
    [Id(7)]
    public int Repeats { get; init; } = 1;

    /// <summary>The configuration (scheduling arm) a trial belongs to.</summary>
    public int ConfigurationOf(int trial) => trial / Math.Max(1, Repeats);

    /// <summary>The plan for a spec; <paramref name="trials"/> defaults to <see cref="StudySpec.ExpandTrials"/>.
    /// A spec that <see cref="StudySpecValidator"/> finds problems with is refused with an
    /// <see cref="ArgumentException"/> listing every problem, so nothing starts on a bad spec.</summary>
    public static SweepPlan From(StudySpec spec, IReadOnlyList<TrialConfig>? trials = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var problems = StudySpecValidator.Validate(spec);
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Study spec '{spec.Name}' is not valid: {string.Join("; ", problems)}.", nameof(spec));
        }

        if (trials is null && EngineProblems(spec) is [var unsupported, ..])
        {
            throw new ArgumentException($"Study spec '{spec.Name}': {unsupported}.", nameof(spec));
        }

        return new SweepPlan(spec.Name, spec.Dataset, spec.Scheduler, spec.MaxConcurrentTrials, spec.Probe, spec.Seed, trials ?? spec.ExpandTrials())
        {
            Repeats = spec.Repeats,
        };
    }

    /// <summary>
    /// What a valid spec asks for that the engine cannot run yet, empty when none: TPE search, until the sweep
    /// asks an <see cref="ITrialProposer"/> for each configuration when a slot frees (running the spec's
    /// random draws instead would be a different study under the same name). Checked before anything starts.
    /// </summary>
    public static IReadOnlyList<SpecProblem> EngineProblems(StudySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Search.IsAdaptive
            ? [new SpecProblem(SpecKeys.Join(SpecKeys.Search, SpecKeys.Kind), spec.Search.Kind.ToString().ToLowerInvariant(),
                "the engine cannot run tpe search yet (the spec is valid); use \"kind\": \"random\" to run it now")]
            : [];
    }

    /// <summary>Every problem that would stop the sweep grain from running the plan, empty when none.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(StudyId) || StudyId.Contains('/', StringComparison.Ordinal) || ArtifactKeys.Problem(StudyId) is not null)
        {
            problems.Add($"study id '{StudyId}' must be one path segment of letters, digits, '-', '_' and '.', not starting with '.'");
        }

        if (Trials is null || Trials.Count == 0)
        {
            problems.Add("the study has no trials (the search space expanded to nothing)");
        }

        if (Repeats < 1 || (Trials is { Count: > 0 } && Trials.Count % Repeats != 0))
        {
            problems.Add($"repeats = {Repeats}: must be at least 1 and divide the {Trials?.Count ?? 0} trials");
        }

        if (MaxConcurrentTrials < 1)
        {
            problems.Add($"max_concurrent_trials = {MaxConcurrentTrials}: must be at least 1");
        }

        try
        {
            Scheduler.ToAshaOptions().Validate();
        }
        catch (ArgumentException e)
        {
            problems.Add($"scheduler: {e.Message}");
        }

        return problems;
    }

    /// <summary>Same study, same trials, same settings: starting it again is a no-op.</summary>
    public bool IsSameStudyAs(SweepPlan other) =>
        other is not null
        && StudyId == other.StudyId
        && Dataset with { Classes = null } == other.Dataset with { Classes = null }
        && (Dataset.Classes ?? []).SequenceEqual(other.Dataset.Classes ?? [])
        && Scheduler == other.Scheduler
        && MaxConcurrentTrials == other.MaxConcurrentTrials
        && Probe == other.Probe
        && Seed == other.Seed
        && Repeats == other.Repeats
        && Trials.SequenceEqual(other.Trials);
}
