using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Search;
using LensSweep.Grains.Specs;
using LensSweep.Grains.Sweeps;
using LensSweep.Grains.Trials;

namespace LensSweep.Grains.Tests.Sweeps;

/// <summary>A study whose configurations the book proposes one at a time as slots free (TPE search).</summary>
public sealed class TpeStudyBookTests
{
    private static readonly SearchSpace Space = new()
    {
        MaskRatio = ParameterDomain.Between<double>(0.3, 0.7),
        LearningRate = ParameterDomain.Between<double>(1e-4, 1e-2, RangeScale.Log),
        EmbedDim = ParameterDomain.Of(32, 64),
    };

    private static SweepPlan Plan(int configurations, int repeats = 1, int startup = 3, int maxConcurrent = 3) =>
        StudyBookTests.Plan(trials: 0, maxConcurrent) with
        {
            Trials = [],
            Repeats = repeats,
            Adaptive = new AdaptiveSearch(Space, configurations, startup),
        };

    [Fact]
    public void A_tpe_study_proposes_each_trial_once_and_finishes_with_every_trial()
    {
        var driver = new BookDriver(Plan(configurations: 12), slots: 3, seed: 1);

        driver.Run();

        Assert.Equal(SweepPhase.Finished, driver.Book.State.Phase);
        Assert.Equal(Enumerable.Range(0, 12), driver.Book.Table.All.Keys.Order());
        Assert.All(driver.Book.Table.All.Values, r => Assert.NotNull(r.Config));
        Assert.All(driver.Sent, a => Assert.Equal(driver.Book.Table.All[a.Trial].Config, a.Setup.Config));
    }

    [Fact]
    public void Every_repeat_of_a_proposed_configuration_trains_that_configuration()
    {
        var driver = new BookDriver(Plan(configurations: 6, repeats: 2), slots: 3, seed: 2);

        driver.Run();

        var configs = driver.Book.Table.All.OrderBy(t => t.Key).Select(t => t.Value.Config).ToList();
        Assert.Equal(12, configs.Count);
        Assert.All(Enumerable.Range(0, 6), c => Assert.Equal(configs[2 * c], configs[(2 * c) + 1]));
        Assert.True(configs.Distinct().Count() > 1, "different configurations were proposed");
    }

    [Fact]
    public void The_proposer_is_asked_once_per_configuration_with_the_mean_score_of_its_repeats_at_each_rung()
    {
        var plan = Plan(configurations: 6, repeats: 2);
        var proposer = new RecordingProposer(plan.Adaptive!.Proposer(plan.Scheduler.Mode, plan.Seed));
        var book = StudyBook.Load(plan, new SweepProgressState(), new SweepTableState(), proposer);
        proposer.Table = () => book.Table.All;
        book.Start();
        var driver = new BookDriver(plan, book, slots: 3, seed: 3, firstLease: 1);

        driver.Run();

        Assert.Equal(Enumerable.Range(0, 6), proposer.Asked.Select(a => a.Configuration));
        var last = proposer.Asked[^1];
        Assert.NotEmpty(last.Results);
        foreach (var result in last.Results)
        {
            var repeats = new[] { 2 * result.Trial, (2 * result.Trial) + 1 }.Select(t => last.Scores.GetValueOrDefault(t) ?? []).ToList();
            var expected = Enumerable.Range(0, repeats.Max(r => r.Count))
                .Select(rung => repeats.Where(r => r.Count > rung).Average(r => r[rung]))
                .ToList();
            Assert.Equal(expected, result.Scores);
        }
    }

    [Fact]
    public void A_book_rebuilt_from_its_persisted_state_after_every_batch_proposes_the_same_configurations()
    {
        var plan = Plan(configurations: 30, startup: 4);
        var original = new BookDriver(plan, slots: 3, seed: 4);
        var rebuilt = new BookDriver(plan, slots: 3, seed: 4);

        original.Run(fails: trial => trial % 9 == 5);
        rebuilt.Run(reloadEveryBatch: true, fails: trial => trial % 9 == 5);

        Assert.Equal(original.Sent.Select(a => (a.Trial, a.Rung, a.Setup.Config)), rebuilt.Sent.Select(a => (a.Trial, a.Rung, a.Setup.Config)));
        Assert.Equal(SweepPhase.Finished, rebuilt.Book.State.Phase);
    }

    [Fact]
    public void Proposals_after_the_start_up_trials_have_reported_come_from_the_results()
    {
        var plan = Plan(configurations: 20, startup: 3);
        var driver = new BookDriver(plan, slots: 3, seed: 5);
        var randomDraws = new TpeSampler(Space, new TpeOptions(plan.Adaptive!.Startup), plan.Scheduler.Mode, plan.Seed);

        driver.Run();

        var configs = driver.Book.Table.All.OrderBy(t => t.Key).Select(t => t.Value.Config!).ToList();
        Assert.Equal(randomDraws.Propose(0, []), configs[0]);
        Assert.Contains(Enumerable.Range(10, 10), trial => configs[trial] != randomDraws.Propose(trial, []));
    }

    [Fact]
    public void Configurations_lists_only_the_proposed_trials_of_a_running_tpe_study()
    {
        var driver = new BookDriver(Plan(configurations: 12), slots: 3, seed: 6);

        driver.Batch();

        var configs = driver.Book.Configurations();
        Assert.Equal([0, 1, 2], configs.Keys.Order());
        Assert.Equal(driver.Book.Table.All[1].Config, configs[1]);
    }

    [Fact]
    public void A_tpe_plan_survives_the_grain_state_serializer_with_ranges_lists_and_choices()
    {
        var plan = Plan(configurations: 5) with
        {
            Adaptive = new AdaptiveSearch(Space.WithChoices("masking", "random", "block"), 5, 2),
        };

        var copy = BookDriver.Read<SweepPlan>(BookDriver.Copy(plan));

        Assert.Equal(plan.Adaptive, copy.Adaptive);
        Assert.True(plan.IsSameStudyAs(copy));
    }

    /// <summary>Passes every question to <c>inner</c>, and keeps it with every trial's scores as the book had them then.</summary>
    private sealed class RecordingProposer(ITrialProposer inner) : ITrialProposer
    {
        public Func<IReadOnlyDictionary<int, TrialRecord>> Table { get; set; } = () => new Dictionary<int, TrialRecord>();

        public List<(int Configuration, IReadOnlyList<TrialResult> Results, Dictionary<int, List<double>> Scores)> Asked { get; } = [];

        public int Count => inner.Count;

        public TrialConfig Propose(int configuration, IReadOnlyList<TrialResult> results)
        {
            Asked.Add((configuration, results, Table().ToDictionary(t => t.Key, t => t.Value.Scores.ToList())));
            return inner.Propose(configuration, results);
        }
    }
}
