using LensSweep.Grains.Baselines;

namespace LensSweep.Grains.Tests.Baselines;

public sealed class BaselineAsksTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static PixelBaselineOptions Options() => new()
    {
        FirstRetryDelay = TimeSpan.FromSeconds(10),
        MaxRetryDelay = TimeSpan.FromSeconds(35),
        AskAttempts = 3,
        GiveUpAfter = TimeSpan.FromMinutes(5),
    };

    [Fact]
    public void Each_wait_doubles_the_last_up_to_the_longest_wait()
    {
        var asks = new BaselineAsks(Options(), Start);

        var waits = new[] { asks.Failed(Start, "a"), asks.Failed(Start, "b"), asks.Answered(Start), asks.Answered(Start) };

        Assert.Equal([10, 20, 35, 35], waits.Select(w => w.TotalSeconds));
    }

    [Fact]
    public void A_failed_ask_is_due_again_only_after_its_wait()
    {
        var asks = new BaselineAsks(Options(), Start);

        asks.Failed(Start, "no silo with slots");

        Assert.False(asks.IsDue(Start + TimeSpan.FromSeconds(9)));
        Assert.True(asks.IsDue(Start + TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void The_asks_run_out_after_the_attempts_in_a_row_and_name_the_last_failure()
    {
        var asks = new BaselineAsks(Options(), Start);

        asks.Failed(Start, "a");
        asks.Failed(Start, "b");
        asks.Failed(Start, "TimeoutException: no answer");

        Assert.True(asks.OutOfAttempts);
        Assert.False(asks.IsDue(Start + TimeSpan.FromDays(1)));
        Assert.Contains("TimeoutException: no answer", asks.OutOfAttemptsReason(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_answered_ask_resets_the_failures_in_a_row()
    {
        var asks = new BaselineAsks(Options(), Start);

        asks.Failed(Start, "a");
        asks.Failed(Start, "b");
        asks.Answered(Start);
        asks.Failed(Start, "c");

        Assert.False(asks.OutOfAttempts);
    }

    [Fact]
    public void The_deadline_counts_from_the_first_ask()
    {
        var asks = new BaselineAsks(Options(), Start);

        Assert.False(asks.PastDeadline(Start + TimeSpan.FromMinutes(4)));
        Assert.True(asks.PastDeadline(Start + TimeSpan.FromMinutes(5)));
    }
}
