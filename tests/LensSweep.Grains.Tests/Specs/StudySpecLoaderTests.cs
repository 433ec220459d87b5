using LensSweep.Grains.Scheduling;
using LensSweep.Grains.Specs;
using LensSweep.Models.Data;

namespace LensSweep.Grains.Tests.Specs;

public sealed class StudySpecLoaderTests
{
    private static IReadOnlyList<SpecProblem> ProblemsOf(string json) => StudySpecLoader.Parse(json).Problems;

    [Theory]
    [InlineData("examples/quick.json", 4)]
    [InlineData("examples/scaling.json", 180)]
    [InlineData("examples/masking.json", 9)]
    [InlineData("examples/importance.json", 24)]
    [InlineData("examples/lsst.json", 2)]
    public void Example_specs_load_cleanly(string path, int trials)
    {
        var result = StudySpecLoader.LoadFile(SpecTestData.RepositoryFile(path));

        Assert.Empty(result.Problems);
        Assert.True(result.IsValid);
        Assert.Equal(trials, result.Spec!.ExpandTrials().Count);
    }

    [Fact]
    public void Every_example_spec_passes_the_validator()
    {
        var examples = Directory.GetFiles(Path.GetDirectoryName(SpecTestData.RepositoryFile("examples/quick.json"))!, "*.json");

        Assert.NotEmpty(examples);
        Assert.All(examples, path => Assert.Empty(StudySpecLoader.LoadFile(path).Problems));
    }

    [Fact]
    public void Json_fields_map_onto_the_spec()
    {
        var spec = StudySpecLoader.Parse(SpecTestData.MinimalJson).Spec!;

        Assert.Equal("unit", spec.Name);
        Assert.Equal(DatasetKind.Simulated, spec.Dataset.Kind);
        Assert.Equal(32, spec.Dataset.ImageSize);
        Assert.Equal(ParameterDomain.Of(0.5, 0.75).ToString(), spec.SearchSpace.MaskRatio.ToString());
        Assert.Equal(new AshaOptions(1, 4, 2, MetricMode.Max), spec.Scheduler.ToAshaOptions());
        Assert.Equal("val_auc", spec.Scheduler.Metric);
    }

    [Fact]
    public void Json_syntax_error_is_a_problem_with_line_and_column()
    {
        var result = StudySpecLoader.Parse("{\n  \"name\": \"x\",\n  \"seed\": ,\n}");

        var problem = Assert.Single(result.Problems);
        Assert.Null(result.Spec);
        Assert.Equal("$", problem.Field);
        Assert.StartsWith("invalid JSON at line 3, column 11", problem.Rule);
    }

    [Fact]
    public void Unknown_key_suggests_the_nearest_valid_name()
    {
        var json = SpecTestData.MinimalJson.Replace("\"mask_ratio\"", "\"mask_ration\"", StringComparison.Ordinal);

        var problem = Assert.Single(ProblemsOf(json));

        Assert.Equal("search_space.mask_ration", problem.Field);
        Assert.Equal("unknown key; did you mean 'mask_ratio'?", problem.Rule);
    }

    [Fact]
    public void Unknown_top_level_key_suggests_the_nearest_section()
    {
        var json = SpecTestData.MinimalJson.Replace("\"scheduler\"", "\"schedular\"", StringComparison.Ordinal);

        var problem = Assert.Single(ProblemsOf(json));

        Assert.Equal(("schedular", "unknown key; did you mean 'scheduler'?"), (problem.Field, problem.Rule));
    }

    [Fact]
    public void Unknown_key_unlike_any_lists_the_valid_keys()
    {
        var json = SpecTestData.MinimalJson.Replace("\"eta\": 2", "\"eta\": 2, \"grace_period\": 3", StringComparison.Ordinal);

        var problem = Assert.Single(ProblemsOf(json));

        Assert.Equal("scheduler.grace_period", problem.Field);
        Assert.Equal("unknown key; valid keys here: kind, min_epochs, max_epochs, eta, metric, mode", problem.Rule);
    }

    [Fact]
    public void Wrong_value_type_names_the_field_and_the_expected_type()
    {
        var json = SpecTestData.MinimalJson.Replace("\"patch_size\": 8", "\"patch_size\": \"eight\"", StringComparison.Ordinal);

        var problem = Assert.Single(ProblemsOf(json));

        Assert.Equal(("search_space.patch_size", "\"eight\"", "must be a whole number"), (problem.Field, problem.Value, problem.Rule));
    }

    [Fact]
    public void Bad_metric_is_reported_with_the_allowed_names()
    {
        var json = SpecTestData.MinimalJson.Replace("\"val_auc\"", "\"val_acuracy\"", StringComparison.Ordinal);

        var problem = Assert.Single(ProblemsOf(json));

        Assert.Equal("scheduler.metric", problem.Field);
        Assert.StartsWith("did you mean 'val_accuracy'? It must be an evaluation or its _gain form: probe_auc, probe_accuracy, recon_loss, r2_macro", problem.Rule);
    }

    [Theory]
    [InlineData("probe_auc_gain", "max")]
    [InlineData("recon_loss", "min")]
    [InlineData("recon_loss_gain", "max")]
    [InlineData("probe_auc", "max")]
    public void A_metric_without_a_mode_takes_its_own_direction(string metric, string mode)
    {
        var json = SpecTestData.MinimalJson.Replace("\"val_auc\"", $"\"{metric}\"", StringComparison.Ordinal)
            .Replace(", \"mode\": \"max\"", "", StringComparison.Ordinal);

        var spec = StudySpecLoader.Parse(json).Spec!;

        Assert.Equal((metric, mode), (spec.Scheduler.Metric, spec.Scheduler.Mode.ToString().ToLowerInvariant()));
    }

    [Fact]
    public void A_misspelt_gain_metric_gets_the_nearest_name()
    {
        var json = SpecTestData.MinimalJson.Replace("\"val_auc\"", "\"r2_macro_gian\"", StringComparison.Ordinal);

        var problem = Assert.Single(ProblemsOf(json));

        Assert.StartsWith("did you mean 'r2_macro_gain'?", problem.Rule);
    }

    [Fact]
    public void Bad_mode_is_reported()
    {
        var json = SpecTestData.MinimalJson.Replace("\"mode\": \"max\"", "\"mode\": \"maximise\"", StringComparison.Ordinal);

        var problem = Assert.Single(ProblemsOf(json));

        Assert.Equal(("scheduler.mode", "\"maximise\""), (problem.Field, problem.Value));
        Assert.StartsWith("must be one of 'max', 'min'", problem.Rule);
    }

    [Fact]
    public void Random_search_without_a_count_is_reported()
    {
        var json = SpecTestData.MinimalJson.Replace("{ \"kind\": \"grid\" }", "{ \"kind\": \"random\" }", StringComparison.Ordinal);

        var problem = Assert.Single(ProblemsOf(json));

        Assert.Equal("search.count", problem.Field);
        Assert.StartsWith("required for random search", problem.Rule);
    }

    [Fact]
    public void Missing_name_is_reported()
    {
        var json = SpecTestData.MinimalJson.Replace("\"name\": \"unit\",", string.Empty, StringComparison.Ordinal);

        var problem = Assert.Single(ProblemsOf(json));

        Assert.Equal("name", problem.Field);
        Assert.StartsWith("required", problem.Rule);
    }

    [Fact]
    public void Key_given_twice_is_reported()
    {
        var json = SpecTestData.MinimalJson.Replace("\"seed\"", "x", StringComparison.Ordinal)
            .Replace("\"name\": \"unit\",", "\"name\": \"unit\", \"seed\": 1, \"seed\": 2,", StringComparison.Ordinal);

        var problem = Assert.Single(ProblemsOf(json));

        Assert.Equal(("seed", "appears twice; give each key once"), (problem.Field, problem.Rule));
    }

    [Fact]
    public void Asha_only_keys_under_scheduler_none_are_reported()
    {
        var json = SpecTestData.MinimalJson.Replace("\"kind\": \"asha\"", "\"kind\": \"none\"", StringComparison.Ordinal);

        var problems = ProblemsOf(json);

        Assert.Equal(["scheduler.min_epochs", "scheduler.eta"], problems.Select(p => p.Field));
    }

    [Fact]
    public void Reading_and_rule_problems_come_back_together()
    {
        var json = SpecTestData.MinimalJson
            .Replace("\"mask_ratio\"", "\"maskratio\"", StringComparison.Ordinal)
            .Replace("\"eta\": 2", "\"eta\": 1", StringComparison.Ordinal)
            .Replace("\"patch_size\": 8", "\"patch_size\": [8, 6]", StringComparison.Ordinal);

        var result = StudySpecLoader.Parse(json);

        Assert.Null(result.Spec);
        Assert.Equal(["scheduler.eta", "search_space.maskratio", "search_space.patch_size"], result.Problems.Select(p => p.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Range_syntax_is_read_for_random_search()
    {
        var json = SpecTestData.MinimalJson
            .Replace("{ \"kind\": \"grid\" }", "{ \"kind\": \"random\", \"count\": 5 }", StringComparison.Ordinal)
            .Replace("\"mask_ratio\": [0.5, 0.75]", "\"mask_ratio\": { \"min\": 0.4, \"max\": 0.9 }, \"learning_rate\": { \"min\": 1e-4, \"max\": 1e-2, \"scale\": \"log\" }", StringComparison.Ordinal);

        var result = StudySpecLoader.Parse(json);

        Assert.Empty(result.Problems);
        Assert.Equal(new ParameterDomain<double>.Range(1e-4, 1e-2, RangeScale.Log), result.Spec!.SearchSpace.LearningRate);
        Assert.Equal(5, result.Spec.ExpandTrials().Count);
    }

    [Fact]
    public void Yaml_spec_reads_the_same_as_its_json()
    {
        const string yaml = """
            name: unit
            dataset:
              kind: simulated
              image_size: 32
              images_per_class: 16
            search_space:
              mask_ratio: [0.5, 0.75]
              patch_size: 8
              embed_dim: 32
              heads: 2
              decoder_dim: 32
              decoder_heads: 2
            search: { kind: grid }
            scheduler: { kind: asha, min_epochs: 1, max_epochs: 4, eta: 2, metric: val_auc, mode: max }
            """;

        var fromYaml = StudySpecLoader.Parse(yaml, SpecSyntax.Yaml);
        var fromJson = StudySpecLoader.Parse(SpecTestData.MinimalJson);

        Assert.Empty(fromYaml.Problems);
        Assert.Equal(fromJson.Spec!.ExpandTrials(), fromYaml.Spec!.ExpandTrials());
        Assert.Equal(fromJson.Spec.Scheduler, fromYaml.Spec.Scheduler);
        Assert.Equal(fromJson.Spec.Dataset with { Classes = null }, fromYaml.Spec.Dataset with { Classes = null });
    }

    [Fact]
    public void Yaml_unknown_key_is_reported_like_json()
    {
        var problem = Assert.Single(StudySpecLoader.Parse("name: unit\nsead: 3\n", SpecSyntax.Yaml).Problems);

        Assert.Equal(("sead", "unknown key; did you mean 'seed'?"), (problem.Field, problem.Rule));
    }

    [Fact]
    public void Yaml_syntax_error_is_a_problem_with_a_line()
    {
        var problem = Assert.Single(StudySpecLoader.Parse("name: unit\nseed: 1\n  - oops: [\n", SpecSyntax.Yaml).Problems);

        Assert.Equal("$", problem.Field);
        Assert.Matches("^invalid YAML at line 3, column [0-9]+: ", problem.Rule);
    }

    [Fact]
    public void Yaml_the_parser_cannot_place_is_still_a_problem()
    {
        var problem = Assert.Single(StudySpecLoader.Parse("name: unit\nsearch: [grid\nseed: 1\n", SpecSyntax.Yaml).Problems);

        Assert.Equal("$", problem.Field);
        Assert.StartsWith("invalid YAML", problem.Rule);
    }

    [Fact]
    public void Missing_file_is_a_problem_not_an_exception()
    {
        var problem = Assert.Single(StudySpecLoader.LoadFile("/nonexistent/study.json").Problems);

        Assert.Equal(("$", "/nonexistent/study.json"), (problem.Field, problem.Value));
        Assert.StartsWith("cannot read the spec file", problem.Rule);
    }

    [Fact]
    public void Yaml_tab_error_reports_the_line_and_column_of_the_tab()
    {
        var problem = Assert.Single(StudySpecLoader.Parse("name: unit\nscheduler:\n\tkind: none\n", SpecSyntax.Yaml).Problems);

        Assert.StartsWith("invalid YAML at line 3, column 1: ", problem.Rule);
        Assert.Contains("tab", problem.Rule, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("1e2")]
    [InlineData("100.0")]
    [InlineData("1E+2")]
    public void Json_whole_number_written_with_an_exponent_or_a_decimal_point_is_accepted(string written)
    {
        var json = SpecTestData.MinimalJson.Replace("\"name\": \"unit\"", $"\"name\": \"unit\", \"seed\": {written}", StringComparison.Ordinal);

        var loaded = StudySpecLoader.Parse(json);

        Assert.Empty(loaded.Problems);
        Assert.Equal(100, loaded.Spec!.Seed);
    }

    [Theory]
    [InlineData("1e9")]
    [InlineData("1000000000.0")]
    public void Yaml_whole_number_written_with_an_exponent_or_a_decimal_point_is_accepted(string written)
    {
        // JSON is YAML's flow style, so the minimal spec reads as YAML too.
        var yaml = SpecTestData.MinimalJson.Replace("\"name\": \"unit\"", $"\"name\": \"unit\", \"seed\": {written}", StringComparison.Ordinal);

        var loaded = StudySpecLoader.Parse(yaml, SpecSyntax.Yaml);

        Assert.Empty(loaded.Problems);
        Assert.Equal(1000000000, loaded.Spec!.Seed);
    }

    [Theory]
    [InlineData("1.5", "must be a whole number")]
    [InlineData("1e12", "must be a whole number from -2147483648 to 2147483647")]
    public void Json_number_that_is_not_integral_or_out_of_range_is_refused_with_the_rule(string written, string rule)
    {
        var json = SpecTestData.MinimalJson.Replace("\"name\": \"unit\"", $"\"name\": \"unit\", \"seed\": {written}", StringComparison.Ordinal);

        var problem = Assert.Single(ProblemsOf(json));

        Assert.Equal(("seed", written, rule), (problem.Field, problem.Value, problem.Rule));
    }

    [Fact]
    public void A_string_where_a_number_is_wanted_is_echoed_with_its_quotes()
    {
        var json = SpecTestData.MinimalJson.Replace("\"name\": \"unit\"", "\"name\": \"unit\", \"seed\": \"20\"", StringComparison.Ordinal);

        var problem = Assert.Single(ProblemsOf(json));

        Assert.Equal("seed = \"20\": must be a whole number", problem.ToString());
    }

    [Fact]
    public void A_simulated_dataset_reads_its_macro_lens_noise_and_unlabelled_pool()
    {
        var json = SpecTestData.MinimalJson.Replace("\"images_per_class\": 16 }", "\"images_per_class\": 16, \"macro_lens\": \"varied\", \"noise\": \"euclid\", \"unlabelled_per_class\": 40 }", StringComparison.Ordinal);

        var dataset = StudySpecLoader.Parse(json).Spec!.Dataset;

        Assert.Equal((LensSweep.Models.Simulation.MacroLens.Varied, LensSweep.Models.Simulation.PixelNoise.Euclid, 40), (dataset.MacroLens, dataset.Noise, dataset.UnlabelledPerClass));
    }

    [Fact]
    public void Simulator_settings_on_a_folder_dataset_are_refused()
    {
        var json = SpecTestData.MinimalJson.Replace("\"kind\": \"simulated\", \"image_size\": 32, \"images_per_class\": 16 }", "\"kind\": \"deeplense\", \"path\": \"data\", \"macro_lens\": \"varied\" }", StringComparison.Ordinal);

        var problem = Assert.Single(ProblemsOf(json));

        Assert.Equal("dataset.macro_lens", problem.Field);
    }

    [Fact]
    public void A_folder_dataset_reads_its_fit()
    {
        var json = SpecTestData.MinimalJson.Replace("\"kind\": \"simulated\", \"image_size\": 32, \"images_per_class\": 16 }", "\"kind\": \"lsst\", \"path\": \"data\", \"image_size\": 32, \"fit\": \"resize\" }", StringComparison.Ordinal);

        var dataset = StudySpecLoader.Parse(json).Spec!.Dataset;

        Assert.Equal(LensSweep.Models.Data.ImageFit.Resize, dataset.Fit);
    }

    [Fact]
    public void An_unknown_fit_is_refused_with_the_choices()
    {
        var json = SpecTestData.MinimalJson.Replace("\"kind\": \"simulated\", \"image_size\": 32, \"images_per_class\": 16 }", "\"kind\": \"lsst\", \"path\": \"data\", \"fit\": \"stretch\" }", StringComparison.Ordinal);

        var problem = Assert.Single(ProblemsOf(json));

        Assert.Equal("dataset.fit", problem.Field);
        Assert.Contains("resize", problem.Rule, StringComparison.Ordinal);
    }
}
