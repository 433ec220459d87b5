using System.Text.Json;
using LensSweep.Grains.Scheduling;
using Run = LensSweep.Grains.Scheduling.SchedulerDecision.Run;

namespace LensSweep.Grains.Tests.Scheduling;

public sealed class RepeatedArmsSchedulerTests
{
    private static RepeatedArmsScheduler Asha(AshaOptions options, int configurations, int repeats) =>
        RepeatedArmsScheduler.Create(arms => new AshaScheduler(options, arms), configurations, repeats);

    [Fact]
    public void Every_repeat_of_every_configuration_starts_once_and_the_study_finishes()
    {
        var scheduler = Asha(new AshaOptions(1, 8, 2), configurations: 20, repeats: 3);
        var driver = new StudyDriver(slots: 5, seed: 2);

        driver.Drive(scheduler);

        var starts = driver.Decisions.OfType<Run>().Where(r => r.Rung == 0).Select(r => r.Trial).ToList();
        Assert.Equal(Enumerable.Range(0, 60), starts.Order());
        Assert.True(scheduler.IsFinished);
    }

    [Fact]
    public void The_repeats_of_a_configuration_are_promoted_together()
    {
        var scheduler = Asha(new AshaOptions(1, 8, 2), configurations: 20, repeats: 3);
        var driver = new StudyDriver(slots: 5, seed: 4);

        driver.Drive(scheduler);

        var runs = driver.Decisions.OfType<Run>().ToList();
        foreach (var promotion in runs.Where(r => r.IsPromotion))
        {
            var arm = promotion.Trial / 3;
            Assert.All(Enumerable.Range(arm * 3, 3), sibling => Assert.Contains(runs, r => r.Trial == sibling && r.Rung == promotion.Rung));
        }
    }

    [Fact]
    public void A_configuration_is_ranked_by_the_mean_of_its_repeats()
    {
        // Arm 0 has the best single repeat (0.9) but the lower mean (0.5); arm 1 the higher mean (0.6).
        var scheduler = Asha(new AshaOptions(1, 2, 2), configurations: 2, repeats: 2);
        var scores = new Dictionary<int, double> { [0] = 0.9, [1] = 0.1, [2] = 0.6, [3] = 0.6 };
        var driver = new StudyDriver(slots: 4, seed: 1);

        driver.Drive(scheduler, score: (trial, _) => scores[trial]);

        var promoted = driver.Decisions.OfType<Run>().Where(r => r.IsPromotion).Select(r => r.Trial).Order();
        Assert.Equal([2, 3], promoted);
    }

    [Fact]
    public void A_failed_repeat_stops_its_configuration_and_its_unstarted_siblings()
    {
        var scheduler = Asha(new AshaOptions(1, 2, 2), configurations: 2, repeats: 3);
        var first = (Run)scheduler.Next();

        scheduler.Fail(first.Trial, first.Rung);

        var rest = new List<Run>();
        while (scheduler.Next() is Run run)
        {
            rest.Add(run);
            scheduler.Report(run.Trial, run.Rung, 0.5);
        }

        Assert.DoesNotContain(rest, r => r.Trial is 1 or 2);
        Assert.True(scheduler.IsFinished);
    }

    [Fact]
    public void Restored_from_its_trials_it_makes_the_same_decisions_as_the_original()
    {
        var options = new AshaOptions(1, 27, 3);
        for (var cut = 0; cut < 400; cut += 23)
        {
            var original = Asha(options, configurations: 40, repeats: 3);
            var driver = new StudyDriver(slots: 6, seed: cut);
            driver.Drive(original, maxSteps: cut);
            var stored = JsonSerializer.Deserialize<SchedulerSnapshot>(JsonSerializer.Serialize(original.Snapshot()))!;
            var restored = RepeatedArmsScheduler.Restore(arms => AshaScheduler.Restore(options, arms), 3, stored);
            var goOn = driver.CloneWithSeed(99);
            var goOnRestored = driver.CloneWithSeed(99);

            goOn.Drive(original);
            goOnRestored.Drive(restored);

            Assert.Equal(goOn.Decisions, goOnRestored.Decisions);
        }
    }
}
