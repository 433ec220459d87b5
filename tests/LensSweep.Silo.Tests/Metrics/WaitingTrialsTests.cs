using LensSweep.Silo.Health;

namespace LensSweep.Silo.Tests.Metrics;

public sealed class WaitingTrialsTests
{
    [Fact]
    public void A_large_grid_capped_at_four_asks_for_four_slots_not_its_hundred_trials() =>
        Assert.Equal(4, WaitingTrials.Capped(waiting: 100, slotsHeld: 0, maxConcurrentTrials: 4));

    [Fact]
    public void Slots_a_study_already_holds_count_against_its_cap() =>
        Assert.Equal(1, WaitingTrials.Capped(waiting: 96, slotsHeld: 3, maxConcurrentTrials: 4));

    [Fact]
    public void A_study_at_its_cap_wants_no_more_slots() =>
        Assert.Equal(0, WaitingTrials.Capped(waiting: 50, slotsHeld: 4, maxConcurrentTrials: 4));

    [Fact]
    public void Fewer_waiting_trials_than_free_room_are_all_counted() =>
        Assert.Equal(2, WaitingTrials.Capped(waiting: 2, slotsHeld: 1, maxConcurrentTrials: 8));

    [Fact]
    public void A_study_holding_more_slots_than_its_cap_never_gives_a_negative_count() =>
        Assert.Equal(0, WaitingTrials.Capped(waiting: 5, slotsHeld: 6, maxConcurrentTrials: 4));

    [Fact]
    public void An_unknown_cap_counts_every_waiting_trial() =>
        Assert.Equal(7, WaitingTrials.Capped(waiting: 7, slotsHeld: 2, maxConcurrentTrials: 0));
}
