using LensSweep.Bench;

namespace LensSweep.Models.Tests.Evaluation;

/// <summary>
/// bench/LensSweep.Bench/PythonReference.cs (compiled into this project too, its one home): a reference script
/// that cannot run says which part is missing, and one that fails says its exit code and the end of its stderr,
/// so `lenssweep-bench pretraincheck` can exit non-zero with that message.
/// </summary>
public sealed class PythonReferenceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lenssweep-python-reference-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_missing_interpreter_is_reported_as_python_missing_with_its_path()
    {
        var python = Path.Combine(_folder, "no-python3");

        var run = PythonReference.RunReference("pretrain_reference.py", "numpy, torch", python, echo: false);

        Assert.NotEqual(0, run.ExitCode);
        Assert.StartsWith($"python missing: {python}", run.Failure);
    }

    [SkippableFact]
    public void A_module_the_interpreter_cannot_import_is_reported_missing_by_name()
    {
        Skip.IfNot(File.Exists(PythonReference.Python), $"{PythonReference.Python} is not installed");

        var run = PythonReference.RunReference("pretrain_reference.py", "lenssweep_no_such_module", PythonReference.Python, echo: false);

        Assert.NotEqual(0, run.ExitCode);
        Assert.StartsWith("lenssweep_no_such_module missing:", run.Failure);
    }

    [SkippableFact]
    public void A_script_that_is_not_there_is_reported_missing_by_name()
    {
        Skip.IfNot(File.Exists(PythonReference.Python), $"{PythonReference.Python} is not installed");

        var run = PythonReference.RunReference("no_such_reference.py", "json", PythonReference.Python, echo: false);

        Assert.NotEqual(0, run.ExitCode);
        Assert.StartsWith("script missing: bench/reference/no_such_reference.py", run.Failure);
    }

    [SkippableFact]
    public void A_failed_script_is_reported_with_its_exit_code_and_the_tail_of_its_stderr()
    {
        Skip.IfNot(File.Exists(PythonReference.Python), $"{PythonReference.Python} is not installed");
        var script = Path.Combine(_folder, "fails.py");
        File.WriteAllText(script, "import sys\nfor i in range(40):\n    print(f'line {i}', file=sys.stderr)\nsys.exit(3)\n");

        var outcome = PythonReference.Execute(PythonReference.StartInfo(script));

        Assert.Equal(3, outcome.ExitCode);
        var failure = outcome.Failure("fails.py");
        Assert.StartsWith("fails.py failed (exit 3):", failure);
        Assert.Contains("line 39", failure);
        Assert.DoesNotContain("line 0\n", failure + "\n");
    }
}
