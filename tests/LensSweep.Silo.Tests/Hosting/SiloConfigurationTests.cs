using LensSweep.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace LensSweep.Silo.Tests.Hosting;

public sealed class SiloConfigurationTests
{
    private const string AzuriteStyle = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";

    private static SiloHostOptions Read(params (string Key, string Value)[] settings) =>
        SiloConfiguration.Read(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());

    private static IReadOnlyList<string> Problems(params (string Key, string Value)[] settings) =>
        Assert.Throws<SiloStartupException>(() => Read(settings)).Problems;

    [Fact]
    public void Defaults_are_a_valid_single_machine_silo()
    {
        var options = Read();

        Assert.Equal(MembershipOptions.Localhost, options.Membership.Kind);
        Assert.Equal(StoreOptions.Local, options.GrainState.Kind);
        Assert.Equal(StoreOptions.Local, options.Artifacts.Kind);
        Assert.Equal("auto", options.Devices.Slots);
        Assert.Equal("127.0.0.1", options.Http.BindAddress);
    }

    [Fact]
    public void Flags_override_earlier_sources_and_short_flags_map_to_options()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection([KeyValuePair.Create("Membership:Kind", (string?)"postgres"), KeyValuePair.Create("ClusterId", (string?)"from-file")]);

        builder.AddLensSweepSiloConfiguration(["--membership", "Redis", "--Membership:ConnectionString", "cache:6379", "--slots=cuda:0,cuda:1", "--silo-port", "22222"]);
        var options = SiloConfiguration.Read(builder.Configuration);

        Assert.Equal(MembershipOptions.Redis, options.Membership.Kind);
        Assert.Equal("cache:6379", options.Membership.ConnectionString);
        Assert.Equal("cuda:0,cuda:1", options.Devices.Slots);
        Assert.Equal(22222, options.Network.SiloPort);
        Assert.Equal("from-file", options.ClusterId);
    }

    [Theory]
    [InlineData("--slotz", "cuda:0", "unknown flag '--slotz'")]
    [InlineData("--Membership:Flavour", "redis", "unknown flag '--Membership:Flavour'")]
    [InlineData("--membership", "--slots", "flag '--membership' needs a value")]
    public void A_bad_flag_is_named_in_the_error(string flag, string next, string expected)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());

        var error = Assert.Throws<SiloStartupException>(() => builder.AddLensSweepSiloConfiguration([flag, next, "none"]));

        Assert.Contains(expected, error.Problems[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Membership:Kind", "zookeeper", "Membership:Kind is 'zookeeper'; expected localhost, redis, postgres or azuretable")]
    [InlineData("Membership:Kind", "redis", "Membership:ConnectionString is required when Membership:Kind is redis")]
    [InlineData("Membership:Kind", "postgres", "Membership:ConnectionString is required when Membership:Kind is postgres")]
    [InlineData("Membership:PrimarySiloEndpoint", "silo-one", "Membership:PrimarySiloEndpoint 'silo-one' is not an address:port")]
    [InlineData("GrainState:Kind", "s3", "GrainState:Kind is 's3'; expected local or azureblob or redis")]
    [InlineData("Artifacts:Kind", "redis", "Artifacts:Kind is 'redis'; expected local or azureblob")]
    [InlineData("GrainState:Kind", "azureblob", "GrainState:ConnectionString or GrainState:ServiceUri is required")]
    [InlineData("Membership:Kind", "azuretable", "Membership:ConnectionString or Membership:ServiceUri is required")]
    [InlineData("GrainState:Kind", "redis", "GrainState:ConnectionString is required when GrainState:Kind is redis and membership is not Redis")]
    [InlineData("Devices:Slots", "gpu:0", "Devices:Slots 'gpu:0' has 'gpu:0'; each slot is cuda:N or cpu:N")]
    [InlineData("Devices:Slots", "cuda:0,cuda:0", "Devices:Slots 'cuda:0,cuda:0' lists cuda:0 twice")]
    [InlineData("Network:SiloPort", "70000", "Network:SiloPort 70000 is outside 1-65535")]
    [InlineData("Network:SiloPort", "30000", "Network:SiloPort and Network:GatewayPort are both 30000")]
    [InlineData("Network:SiloPort", "eleven", "'Network:SiloPort'")]
    [InlineData("Http:Port", "11111", "Http:Port 11111 is also an Orleans port")]
    [InlineData("Http:BindAddress", "everywhere", "Http:BindAddress 'everywhere' is not an IP address")]
    [InlineData("Network:AdvertisedAddress", "silo one", "Network:AdvertisedAddress 'silo one' is neither an IP address nor a host name")]
    [InlineData("Shutdown:GracePeriod", "-00:00:05", "Shutdown:GracePeriod is -00:00:05; it must be positive")]
    [InlineData("Engine:ReconcilePeriod", "00:00:00", "Engine:ReconcilePeriod is 00:00:00; it must be positive")]
    [InlineData("Engine:PixelBaseline:AskAttempts", "0", "Engine:PixelBaseline:AskAttempts is 0; it must be at least 1")]
    [InlineData("Engine:PixelBaseline:GiveUpAfter", "00:00:00", "Engine:PixelBaseline:GiveUpAfter is 00:00:00; it must be positive")]
    [InlineData("ClusterId", "my cluster", "ClusterId 'my cluster' must be a non-empty name without spaces")]
    public void A_bad_setting_gives_one_line_naming_the_setting(string key, string value, string expected)
    {
        var problems = Problems((key, value));

        var problem = Assert.Single(problems);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var problems = Problems(("Membership:Kind", "zookeeper"), ("Devices:Slots", "tpu:0"), ("Http:BindAddress", "x"));

        Assert.Equal(3, problems.Count);
    }

    [Theory]
    [InlineData("GrainState", "AccountName=prod;AccountKey=hunter2-secret;Bogus")]
    [InlineData("Artifacts", "DefaultEndpointsProtocol=https;AccountKey=hunter2-secret")]
    public void A_bad_azure_connection_string_is_named_without_echoing_it(string section, string connectionString)
    {
        var problem = Assert.Single(Problems(($"{section}:Kind", "azureblob"), ($"{section}:ConnectionString", connectionString)));

        Assert.Equal($"{section}:ConnectionString is not a valid Azure Storage connection string", problem);
        Assert.DoesNotContain("hunter2", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GrainState", "blob")]
    [InlineData("Membership", "table")]
    public void A_service_uri_signed_in_with_the_azure_identity_is_accepted_without_a_connection_string(string section, string service)
    {
        var kind = section == "Membership" ? ("Membership:Kind", "azuretable") : ("GrainState:Kind", "azureblob");

        var options = Read(kind, ($"{section}:ServiceUri", $"https://lenssweep.{service}.core.windows.net"));

        var account = section == "Membership" ? options.Membership.AzureAccount() : options.GrainState.AzureAccount(section);
        Assert.True(account.UsesCredential);
    }

    [Fact]
    public void A_connection_string_and_a_service_uri_together_are_refused()
    {
        var problem = Assert.Single(Problems(("Membership:Kind", "azuretable"), ("Membership:ConnectionString", AzuriteStyle),
            ("Membership:ServiceUri", "https://lenssweep.table.core.windows.net")));

        Assert.StartsWith("Membership:ConnectionString and Membership:ServiceUri are both set; give one", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://lenssweep.blob.core.windows.net")]
    [InlineData("https://lenssweep.blob.core.windows.net/?sv=2024&sig=secret")]
    [InlineData("lenssweep.blob.core.windows.net")]
    public void A_service_uri_that_is_not_plain_https_is_refused(string uri)
    {
        var problem = Assert.Single(Problems(("Artifacts:Kind", "azureblob"), ("Artifacts:ServiceUri", uri)));

        Assert.StartsWith($"Artifacts:ServiceUri '{uri}' is not an https URI without a query", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_container_name_is_rejected()
    {
        var problem = Assert.Single(Problems(("Artifacts:Kind", "azureblob"), ("Artifacts:ConnectionString", AzuriteStyle), ("Artifacts:Container", "Lens_Sweep")));

        Assert.Contains("Artifacts:Container: container name 'Lens_Sweep' is not valid", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Redis_grain_state_reuses_the_redis_membership_connection()
    {
        var options = Read(("Membership:Kind", "redis"), ("Membership:ConnectionString", "cache:6379"), ("GrainState:Kind", "redis"));

        Assert.Equal(StoreOptions.Redis, options.GrainState.Kind);
    }

    [Fact]
    public void Option_keys_are_found_from_the_options_classes()
    {
        Assert.Contains("Membership:ConnectionString", SiloConfiguration.OptionKeys);
        Assert.Contains("Shutdown:GracePeriod", SiloConfiguration.OptionKeys);
        Assert.All(SiloConfiguration.Flags.Values, key => Assert.Contains(key, SiloConfiguration.OptionKeys));
    }
}
