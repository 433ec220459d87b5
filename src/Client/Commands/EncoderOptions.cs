using System.CommandLine;
using LensSweep.Client.Encoders;

namespace LensSweep.Client.Commands;

/// <summary>The options that name a trained encoder (export, inspect): exactly one of --study, --trial,
/// --checkpoint, and --run for where a study's checkpoints are. Checked at parse time.</summary>
internal sealed class EncoderOptions
{
    private readonly Option<string?> _study = new("--study")
    {
        Description = "Use the best trial of this study: rank 1 of the leaderboard.json its 'lenssweep run' wrote (with repeats, the first of the best configuration's trials that has a checkpoint).",
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
        Description = "Where the study's checkpoints are: the --out folder of its 'lenssweep run' (default runs/<study>), or a silo's local artifact folder (--trial only: a cluster has no leaderboard.json). Checkpoints in Azure Blob storage are not read; download the trial's .ckpt and use --checkpoint.",
        HelpName = "DIR",
    };

    public void AddTo(Command command)
    {
        command.Add(_study);
        command.Add(_trial);
        command.Add(_checkpoint);
        command.Add(_run);
        command.Validators.Add(result =>
        {
            var named = new[] { _study, _trial, _checkpoint }.Where(o => result.GetResult(o) is not null).Select(o => o.Name).ToList();
            if (named.Count != 1)
            {
                result.AddError(named.Count == 0
                    ? "Name the encoder with one of --study ID, --trial STUDY/N or --checkpoint FILE."
                    : $"Name the encoder once: {string.Join(" and ", named)} were {(named.Count == 2 ? "both" : "all")} given; keep one.");
            }
            else if (named[0] == _checkpoint.Name && result.GetResult(_run) is not null)
            {
                result.AddError("--run is for --study and --trial; a --checkpoint file is read where it is.");
            }
        });
    }

    public EncoderRequest Read(ParseResult parseResult) =>
        new(parseResult.GetValue(_study), parseResult.GetValue(_trial), parseResult.GetValue(_checkpoint), parseResult.GetValue(_run));
}
