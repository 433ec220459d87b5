using LensSweep.Silo.Security;

namespace LensSweep.Silo.Hosting;

/// <summary>
/// Everything the silo process is configured with. Bound from the configuration root, so the keys are
/// "ClusterId", "Membership:Kind", … in appsettings.json, LENSSWEEP_CLUSTERID, LENSSWEEP_MEMBERSHIP__KIND, …
/// in the environment, and --cluster-id, --membership, … (or --Membership:Kind) on the command line.
/// </summary>
public sealed class SiloHostOptions
{
    /// <summary>Silos and clients with the same cluster id form one cluster.</summary>
    public string ClusterId { get; set; } = "lenssweep";

    /// <summary>Names the application across deployments; grain state and reminders are keyed by it.</summary>
    public string ServiceId { get; set; } = "lenssweep";

    /// <summary>This silo's name in the cluster (default: the machine name); Kubernetes sets the pod name.</summary>
    public string? SiloName { get; set; }

    public MembershipOptions Membership { get; set; } = new();

    public StoreOptions GrainState { get; set; } = new() { Container = Storage.AzureBlobGrainState.DefaultContainer, Path = "data/state" };

    public StoreOptions Artifacts { get; set; } = new() { Container = "lenssweep-artifacts", Path = "data/artifacts" };

    public DeviceOptions Devices { get; set; } = new();

    public NetworkOptions Network { get; set; } = new();

    /// <summary>TLS on the silo and gateway ports (Orleans.Connections.Security).</summary>
    public TransportTlsOptions Tls { get; set; } = new();

    public HttpEndpointOptions Http { get; set; } = new();

    public DashboardToggle Dashboard { get; set; } = new();

    public StudyPageOptions StudyPage { get; set; } = new();

    public ShutdownOptions Shutdown { get; set; } = new();

    public EngineTimingOptions Engine { get; set; } = new();
}

/// <summary>How silos find each other; durable reminders follow the same choice.</summary>
public sealed class MembershipOptions
{
    public const string Localhost = "localhost";
    public const string Redis = "redis";
    public const string Postgres = "postgres";
    public const string AzureTable = "azuretable";

    /// <summary>localhost (one machine, in-memory reminders) | redis | postgres | azuretable.</summary>
    public string Kind { get; set; } = Localhost;

    /// <summary>Redis ("host:6379,password=…"), PostgreSQL ("Host=…;Database=…") or Azure Storage connection string. A secret.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>azuretable, instead of a connection string: https://ACCOUNT.table.core.windows.net, signed in with the pod's Azure identity.</summary>
    public string? ServiceUri { get; set; }

    /// <summary>The Azure account for azuretable membership and reminders.</summary>
    public Storage.AzureStorageAccount AzureAccount() => new(ConnectionString, ServiceUri, "Membership");

    /// <summary>localhost only: the first silo's "127.0.0.1:11111", for a second silo on the same machine.</summary>
    public string? PrimarySiloEndpoint { get; set; }
}

/// <summary>Where a store keeps its data: grain state (local | azureblob | redis) or artifacts (local | azureblob).</summary>
public sealed class StoreOptions
{
    /// <summary>The Azure account these settings name, for the store under <paramref name="section"/> ("GrainState", "Artifacts").</summary>
    public Storage.AzureStorageAccount AzureAccount(string section) => new(ConnectionString, ServiceUri, section);

    public const string Local = "local";
    public const string AzureBlob = "azureblob";
    public const string Redis = "redis";

    public string Kind { get; set; } = Local;

    /// <summary>local: the folder (relative to the working directory unless absolute).</summary>
    public string Path { get; set; } = "data";

    /// <summary>azureblob: an Azure Storage connection string; redis: a Redis connection string (default: the membership one). A secret.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>azureblob, instead of a connection string: https://ACCOUNT.blob.core.windows.net, signed in with the pod's Azure identity.</summary>
    public string? ServiceUri { get; set; }

    /// <summary>azureblob: the blob container.</summary>
    public string Container { get; set; } = "lenssweep";

    /// <summary>Grain state, local: start from a damaged state log by keeping the records before the damage
    /// (the damaged file is copied aside and the loss logged). Off: a damaged log stops the start.</summary>
    public bool Repair { get; set; }
}

public sealed class DeviceOptions
{
    /// <summary>auto (CUDA devices, else cpu:0) | none (coordinator only) | a list: cuda:0,cuda:1 or cpu:0,cpu:1.</summary>
    public string Slots { get; set; } = "auto";
}

/// <summary>Orleans endpoints. Ignored parts under localhost membership, which always uses the loopback address.</summary>
public sealed class NetworkOptions
{
    /// <summary>The IP address or host name other silos and clients reach this silo at (default: this machine's host name).</summary>
    public string? AdvertisedAddress { get; set; }

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>Listen on 0.0.0.0 rather than only on the advertised address (containers, where the two differ behind NAT).</summary>
    public bool ListenOnAnyHostAddress { get; set; }
}

/// <summary>The HTTP endpoint with /healthz, /readyz, /metrics (and /dashboard and the study page when enabled).</summary>
public sealed class HttpEndpointOptions
{
    public int Port { get; set; } = 8080;

    /// <summary>127.0.0.1 by default: the dashboard has no authentication. Containers set 0.0.0.0.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";
}

public sealed class DashboardToggle
{
    /// <summary>Serve the Orleans Dashboard at /dashboard on the HTTP endpoint.</summary>
    public bool Enabled { get; set; }
}

/// <summary>The read-only study page (leaderboards, running trials, failures, figures) at / on the HTTP endpoint.</summary>
public sealed class StudyPageOptions
{
    public bool Enabled { get; set; }

    /// <summary>When set, the page and /api/studies want <c>Authorization: Bearer TOKEN</c> or <c>?token=TOKEN</c>. A secret: set it in the environment.</summary>
    public string? Token { get; set; }

    /// <summary>Whether anyone who reaches <paramref name="http"/>'s port from another machine reads every study:
    /// the page is on, without a token, on an address other than loopback (warned about at start).</summary>
    public bool IsOpenToOtherMachines(HttpEndpointOptions http) =>
        Enabled && string.IsNullOrEmpty(Token) && !(System.Net.IPAddress.TryParse(http.BindAddress, out var address) && System.Net.IPAddress.IsLoopback(address));
}

public sealed class ShutdownOptions
{
    /// <summary>
    /// How long a stopping silo (SIGTERM) may take: trials checkpoint and hand back their slots, then Orleans leaves
    /// the cluster. Kubernetes' terminationGracePeriodSeconds must be longer.
    /// </summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>How quickly the study engine notices what it was not told: a silo that died, a report that was lost.</summary>
public sealed class EngineTimingOptions
{
    /// <summary>
    /// How often each running study checks its slot leases and trials (a durable reminder): the longest a trial of a
    /// silo that died waits, after Orleans declares the silo dead, before it resumes elsewhere from its checkpoint.
    /// Every check re-reads the ledger and re-pokes running trials, so short periods cost calls; below Orleans'
    /// one-minute minimum reminder period the silo lowers that minimum to match (tests, demos).
    /// </summary>
    public TimeSpan ReconcilePeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How a study asks for its raw-pixel baseline and how long it waits ("Engine:PixelBaseline:AskAttempts", …).</summary>
    public LensSweep.Grains.Baselines.PixelBaselineOptions PixelBaseline { get; set; } = new();
}
