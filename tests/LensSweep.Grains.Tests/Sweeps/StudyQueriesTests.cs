using LensSweep.Grains.Sweeps;

namespace LensSweep.Grains.Tests.Sweeps;

public sealed class StudyQueriesTests
{
    private static readonly DateTimeOffset Started = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private static StudyQueries Unstarted(SweepProgressState? state = null) =>
        new("never", new SweepDefinitionState { StartedAt = Started }, state ?? new SweepProgressState(), book: null);

    private static StudyQueries Of(BookDriver driver) =>
        new("book", new SweepDefinitionState { Plan = driver.Book.Plan, StartedAt = Started }, driver.Book.State, driver.Book);

    private static BookDriver Ran(int batches)
    {
        var driver = new BookDriver(StudyBookTests.Plan(trials: 12, maxConcurrent: 3), slots: 3, seed: 6);
        for (var i = 0; i < batches; i++)
        {
            driver.Batch();
            driver.FinishOne();
        }

        return driver;
    }

    [Fact]
    public void A_study_that_never_started_has_no_leaderboard_and_no_configurations()
    {
        var view = Unstarted();

        Assert.Empty(view.Leaderboard(10));
        Assert.Empty(view.Configurations());
    }

    [Fact]
    public void A_study_that_never_started_reports_its_phase_with_no_trials()
    {
        var status = Unstarted(new SweepProgressState { CancelReason = "typo" }).Status(deciding: false);

        Assert.Equal(("never", SweepPhase.NotStarted, 0, "typo"), (status.StudyId, status.Phase, status.TrialCount, status.CancelReason));
        Assert.Equal(Started, status.StartedAt);
    }

    [Fact]
    public void A_negative_leaderboard_size_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Unstarted().Leaderboard(-1));
    }

    [Fact]
    public void The_leaderboard_is_the_standings_first_entries()
    {
        var driver = Ran(batches: 8);

        var top = Of(driver).Leaderboard(2);

        Assert.Equal(driver.Book.Standings.Leaderboard().Take(2).Select(e => e.Trial), top.Select(e => e.Trial));
        Assert.Equal(2, top.Count);
    }

    [Fact]
    public void A_started_studys_status_says_whether_its_pump_is_deciding()
    {
        var view = Of(Ran(batches: 2));

        Assert.True(view.Status(deciding: true).Deciding);
        Assert.False(view.Status(deciding: false).Deciding);
        Assert.Equal(12, view.Status(deciding: false).TrialCount);
    }

    [Fact]
    public void A_started_studys_configurations_are_its_books()
    {
        var driver = Ran(batches: 2);

        Assert.Equal(driver.Book.Configurations(), Of(driver).Configurations());
    }

    [Fact]
    public void The_range_scales_are_computed_once_per_plan_not_on_every_status_call()
    {
        var view = Of(Ran(batches: 1));

        Assert.Same(view.Status(deciding: false).RangeScales, view.Status(deciding: false).RangeScales);
    }
}
