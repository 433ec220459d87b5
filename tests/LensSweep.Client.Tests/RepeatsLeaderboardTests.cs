using System.Text.Json;
using LensSweep.Reporting.Studies;
using LensSweep.Reporting.Leaderboards;

namespace LensSweep.Client.Tests;

public sealed class RepeatsLeaderboardTests
{
    private static StudyResults TwoConfigurationsOfThreeRepeats()
    {
        var sample = SampleStudy.Results();
        var parameters = sample.Trials[0].Parameters;
        TrialTrajectory Trial(int number, double score) =>
            new($"r/{number}", TrialPhase.Completed, parameters, [new RungScore(0, 2, score, 1, 1e9)]);
        return sample with
        {
            Study = sample.Study with { Repeats = 3 },
            Trials = [Trial(0, 0.70), Trial(1, 0.72), Trial(2, 0.74), Trial(3, 0.90), Trial(4, 0.60), Trial(5, 0.60)],
        };
    }

    [Fact]
    public void With_repeats_each_row_is_a_configuration_ranked_by_the_mean_of_its_repeats()
    {
        var leaderboard = Leaderboard.Rank(TwoConfigurationsOfThreeRepeats());

        Assert.Equal(2, leaderboard.Rows.Count);
        Assert.Equal(["r/0", "r/1", "r/2"], leaderboard.Rows[0].TrialIds);
        Assert.Equal(0.72, leaderboard.Rows[0].Score!.Value, 10);
        Assert.Equal(0.70, leaderboard.Rows[1].Score!.Value, 10);
        Assert.Equal(3, leaderboard.Rows[0].N);
    }

    [Fact]
    public void A_configuration_row_carries_the_sd_and_a_student_t_interval_of_the_mean()
    {
        var row = Leaderboard.Rank(TwoConfigurationsOfThreeRepeats()).Rows[0];

        Assert.Equal(0.02, row.ScoreSd!.Value, 10);
        var half = 4.303 * 0.02 / Math.Sqrt(3);
        Assert.Equal(0.72 - half, row.ScoreInterval!.Value.Low, 10);
        Assert.Equal(0.72 + half, row.ScoreInterval!.Value.High, 10);
        using var json = JsonDocument.Parse(LeaderboardJson.ToJson(Leaderboard.Rank(TwoConfigurationsOfThreeRepeats())));
        Assert.Equal(3, json.RootElement.GetProperty("rows")[0].GetProperty("n").GetInt32());
        Assert.Equal(0.02, json.RootElement.GetProperty("rows")[0].GetProperty("score_sd").GetDouble(), 10);
    }

    [Fact]
    public void Without_repeats_a_row_is_one_trial_with_n_one_and_no_sd()
    {
        var row = Leaderboard.Rank(SampleStudy.Results()).Rows[0];

        Assert.Equal(1, row.N);
        Assert.Null(row.ScoreSd);
        Assert.Equal([row.TrialId], row.TrialIds);
    }
}
