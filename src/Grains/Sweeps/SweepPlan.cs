using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Search;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Storage;
using LensSweep.Models.Data;

namespace LensSweep.Grains.Sweeps;

/// <summary>
/// What a sweep grain needs to run a study: the spec's settings and its trials, already expanded from the
/// search space (trial n is <c>Trials[n]</c>) for grid and random search, or, for TPE, the
/// <see cref="Adaptive"/> search the sweep proposes each configuration from when a slot frees (then
/// <c>Trials</c> is empty and a trial's configuration is in its record). Build it with <see cref="From"/>.
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

    /// <summary>TPE: the search the sweep proposes configurations from, one at a time; null when the
    /// configurations were expanded up front into <see cref="Trials"/>.</summary>
    [Id(8)]
    public AdaptiveSearch? Adaptive { get; init; }

    /// <summary>Random search: the space its trials were drawn from, so the study can draw more when it grows
    /// (<see cref="StudyGrowth"/>); null for grid and TPE search, and for random studies started before it was kept.</summary>
    [Id(9)]
    public SearchSpace? SampledFrom { get; init; }

    /// <summary>For each hyperparameter drawn from a range (random search, TPE), whether on a log scale; empty for a grid.</summary>
    public IReadOnlyDictionary<string, bool> RangeScales() => (SampledFrom ?? Adaptive?.Space)?.RangeScales() ?? new Dictionary<string, bool>();

    /// <summary>Trials in all: every repeat of every configuration, expanded or still to be proposed.</summary>
    public int TrialCount => Adaptive is { } adaptive ? adaptive.Configurations * Math.Max(1, Repeats) : Trials.Count;

    /// <summary>The configuration (scheduling arm) a trial belongs to.</summary>
    public int ConfigurationOf(int trial) => trial / Math.Max(1, Repeats);

    /// <summary>A started trial's hyperparameters: proposed into its record (TPE) or expanded into the plan.</summary>
    public TrialConfig ConfigOf(int trial, TrialRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Config ?? (trial < Trials.Count ? Trials[trial]
            : throw new InvalidOperationException($"Trial {trial} of study '{StudyId}' has no configuration yet."));
    }

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

        var adaptive = trials is null ? AdaptiveSearch.Of(spec) : null;
        return new SweepPlan(spec.Name, spec.LoadedDataset, spec.Scheduler, spec.MaxConcurrentTrials, spec.Probe, spec.Seed, trials ?? (adaptive is null ? spec.ExpandTrials() : []))
        {
            Repeats = spec.Repeats,
            Adaptive = adaptive,
            SampledFrom = trials is null && spec.Search.Kind == SearchKind.Random ? spec.SearchSpace : null,
        };
    }

    /// <summary><see cref="Problems"/>, and a plan sent to the sweep of another study.</summary>
    public IReadOnlyList<string> ProblemsFor(string sweepKey) =>
        StudyId == sweepKey ? Problems() : [.. Problems(), $"the plan is for study '{StudyId}' but was sent to sweep '{sweepKey}'"];

    /// <summary>Every problem that would stop the sweep grain from running the plan, empty when none.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(StudyId) || StudyId.Contains('/', StringComparison.Ordinal) || ArtifactKeys.Problem(StudyId) is not null)
        {
            problems.Add($"study id '{StudyId}' must be one path segment of letters, digits, '-', '_' and '.', not starting with '.'");
        }

        if (Trials is null || TrialCount == 0)
        {
            problems.Add("the study has no trials (the search space expanded to nothing)");
        }

        if (Adaptive is not null && Trials is { Count: > 0 })
        {
            problems.Add("a study with proposed configurations (tpe) cannot also carry an expanded trial list");
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
        && SettingsDifferences(other).Count == 0
        && Adaptive == other.Adaptive
        && Trials.SequenceEqual(other.Trials);

    /// <summary>The spec keys whose settings differ between the two plans, apart from the search itself
    /// (its space, count and expanded trials): empty when <paramref name="other"/> could grow this study.</summary>
    public IReadOnlyList<string> SettingsDifferences(SweepPlan other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var differences = new List<string>();
        void Check(bool same, string key)
        {
            if (!same)
            {
                differences.Add(key);
            }
        }

        Check(StudyId == other.StudyId, SpecKeys.Name);
        Check(Dataset with { Classes = null } == other.Dataset with { Classes = null } && (Dataset.Classes ?? []).SequenceEqual(other.Dataset.Classes ?? []), SpecKeys.Dataset);
        Check(Scheduler == other.Scheduler, SpecKeys.Scheduler);
        Check(MaxConcurrentTrials == other.MaxConcurrentTrials, SpecKeys.MaxConcurrentTrials);
        Check(Probe == other.Probe, $"{SpecKeys.Probe}/{SpecKeys.Evaluation}");
        Check(Seed == other.Seed, SpecKeys.Seed);
        Check(Repeats == other.Repeats, SpecKeys.Repeats);
        // SampledFrom is not compared: random studies started before it was kept must still match their spec.
        Check((Adaptive is null) == (other.Adaptive is null), SpecKeys.Join(SpecKeys.Search, SpecKeys.Kind));
        return differences;
    }
}
