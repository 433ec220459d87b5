using System.CommandLine;
using LensSweep.Client.Cluster;
using LensSweep.Client.Encoders;

namespace LensSweep.Client.Commands;

/// <summary>The options that name a trained encoder (export, inspect, finetune): exactly one of --study, --trial,
/// --checkpoint; where a study's checkpoints are, --run (a folder) or --cluster (a running cluster, with the
/// cluster commands' connection options). Checked at parse time.</summary>
/// <param name="cluster">Joins a cluster for <c>--cluster</c>; null in a build without one (then <c>--cluster</c> is refused).</param>
/// <param name="environment">Reads the connection options' environment variables.</param>
internal sealed class EncoderOptions(IStudyClusterConnector? cluster, Func<string, string?> environment)
{
    private readonly ClusterOptions _cluster = new(environment);

    private readonly Option<string?> _study = new("--study")
    {
        Description = "Use the best trial of this study: with --cluster, the first trial of the study's leaderboard (as 'lenssweep leaderboard' ranks it) that has a checkpoint; otherwise rank 1 of the leaderboard.json its 'lenssweep run' wrote (with repeats, the first of the best configuration's trials that has a checkpoint).",
        HelpName = "ID",
    };

    private readonly Option<string?> _trial = new("--trial")
    {
        Description = "Use this trial's latest checkpoint, e.g. quick/3 (trial ids are in the leaderboard).",
        HelpName = "STUDY/N",
    };

    private readonly Option<string?> _checkpoint = new("--checkpoint")
    {
        Description = "Use this checkpoint file (a trial's .ckpt).",
        HelpName = "FILE",
    };

    private readonly Option<string?> _run = new("--run")
    {
        Description = "Where the study's checkpoints are: the --out folder of its 'lenssweep run' (default runs/<study>), or a silo's local artifact folder (--trial only: a cluster has no leaderboard.json). For a study on a cluster, whatever its artifact store (local folder or Azure Blob), give --cluster instead: the checkpoint comes through the cluster and no storage credentials are needed here.",
        HelpName = "DIR",
    };

    public void AddTo(Command command)
    {
        command.Add(_study);
        command.Add(_trial);
        command.Add(_checkpoint);
        command.Add(_run);
        _cluster.AddConnectionTo(command);
        command.Validators.Add(result =>
        {
            var named = new[] { _study, _trial, _checkpoint }.Where(o => result.GetResult(o) is not null).Select(o => o.Name).ToList();
            var viaCluster = result.GetResult(_cluster.Gateways) is { Implicit: false };
            if (named.Count != 1)
            {
                result.AddError(named.Count == 0
                    ? "Name the encoder with one of --study ID, --trial STUDY/N or --checkpoint FILE."
                    : $"Name the encoder once: {string.Join(" and ", named)} were {(named.Count == 2 ? "both" : "all")} given; keep one.");
            }
            else if (named[0] == _checkpoint.Name && (result.GetResult(_run) is not null || viaCluster))
            {
                result.AddError($"{(viaCluster ? "--cluster" : "--run")} is for --study and --trial; a --checkpoint file is read where it is.");
            }
            else if (viaCluster && result.GetResult(_run) is not null)
            {
                result.AddError("Give the study's place once: --run DIR reads a folder, --cluster a running cluster.");
            }
            else if (_cluster.GivenWithoutGateways(result).ToList() is [_, ..] ignored)
            {
                result.AddError($"{string.Join(", ", ignored)} {(ignored.Count == 1 ? "says" : "say")} how to reach a cluster, but no --cluster was given, so the encoder would be read from a folder; give --cluster ADDR (the environment's LENSSWEEP_CLUSTER is not read here) or drop {(ignored.Count == 1 ? "it" : "them")}.");
            }
        });
    }

    /// <summary>Finds the checkpoint the options name (<see cref="EncoderLocator"/>).</summary>
    public Task<LocatedCheckpoint> LocateAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var viaCluster = parseResult.GetResult(_cluster.Gateways) is { Implicit: false };
        var request = new EncoderRequest(parseResult.GetValue(_study), parseResult.GetValue(_trial), parseResult.GetValue(_checkpoint), parseResult.GetValue(_run))
        {
            Cluster = viaCluster ? _cluster.Read(parseResult) : null,
        };
        return EncoderLocator.LocateAsync(request, cluster, cancellationToken);
    }
}
