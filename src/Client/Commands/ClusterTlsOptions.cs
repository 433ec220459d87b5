using System.CommandLine;
using LensSweep.Silo.Hosting;
using LensSweep.Silo.Security;

namespace LensSweep.Client.Commands;

/// <summary>
/// The console's side of the cluster's TLS (<see cref="TransportTlsOptions"/>): <c>--tls</c>, <c>--tls-ca</c>,
/// <c>--tls-cert</c>, <c>--tls-key</c>, <c>--tls-thumbprint</c>. Each falls back on the variable the silo reads
/// (LENSSWEEP_TLS__CAPATH, …), so a console started beside a silo joins it as is; the password is only read from
/// LENSSWEEP_TLS__PASSWORD, never from a flag. Naming any certificate file turns TLS on.
/// </summary>
/// <param name="environment">Reads an environment variable (<see cref="CliServices.Environment"/>).</param>
internal sealed class ClusterTlsOptions(Func<string, string?> environment)
{
    public static readonly string PasswordVariable = Variable(nameof(TransportTlsOptions.Password));

    public Option<bool> Enabled { get; } = new("--tls")
    {
        Description = $"Speak TLS to the gateways, as silos started with Tls:Enabled expect; a plain connection to them is refused. ${Variable(nameof(TransportTlsOptions.Enabled))} is read when it is not given.",
        Recursive = true,
    };

    public Option<string?> Authorities { get; } = File(
        "--tls-ca",
        $"PEM file of the authorities the silos' certificate must chain to (the silos' Tls:CaPath; for a self-signed certificate, the certificate itself). Without it, the system's trusted roots. ${Variable(nameof(TransportTlsOptions.CaPath))} is read when it is not given.");

    public Option<string?> Certificate { get; } = File(
        "--tls-cert",
        $"This console's certificate, for silos that require one (Tls:RequireClientCertificate): a PEM file (with its key, or --tls-key) or a PKCS#12 file; its password is read from ${PasswordVariable}. ${Variable(nameof(TransportTlsOptions.CertificatePath))} is read when it is not given.");

    public Option<string?> Key { get; } = File(
        "--tls-key",
        $"The PEM private key of --tls-cert, when that file holds only the certificate. ${Variable(nameof(TransportTlsOptions.KeyPath))} is read when it is not given.");

    public Option<string?> Thumbprint { get; } = new("--tls-thumbprint")
    {
        Description = $"Instead of --tls-cert: the certificate with this thumbprint in the CurrentUser/My store (${Variable(nameof(TransportTlsOptions.StoreLocation))}, ${Variable(nameof(TransportTlsOptions.StoreName))} choose another). ${Variable(nameof(TransportTlsOptions.Thumbprint))} is read when it is not given.",
        HelpName = "HEX",
        Recursive = true,
    };

    /// <summary>Every TLS option, in the order help lists them.</summary>
    public IReadOnlyList<Option> All => [Enabled, Authorities, Certificate, Key, Thumbprint];

    public T AddTo<T>(T command)
        where T : Command
    {
        command.Add(Enabled);
        command.Add(Authorities);
        command.Add(Certificate);
        command.Add(Key);
        command.Add(Thumbprint);
        return command;
    }

    /// <summary>The TLS material the connection uses, null for plain TCP.</summary>
    /// <exception cref="CliInputException">A file is missing or unusable, a password is wrong, a certificate expired: every problem.</exception>
    public TlsMaterial? Read(ParseResult parseResult)
    {
        var settings = new TransportTlsOptions
        {
            CaPath = Value(parseResult, Authorities, nameof(TransportTlsOptions.CaPath)),
            CertificatePath = Value(parseResult, Certificate, nameof(TransportTlsOptions.CertificatePath)),
            KeyPath = Value(parseResult, Key, nameof(TransportTlsOptions.KeyPath)),
            Thumbprint = Value(parseResult, Thumbprint, nameof(TransportTlsOptions.Thumbprint)),
            Password = FromEnvironment(nameof(TransportTlsOptions.Password)),
        };
        settings.StoreName = FromEnvironment(nameof(TransportTlsOptions.StoreName)) ?? settings.StoreName;
        settings.StoreLocation = FromEnvironment(nameof(TransportTlsOptions.StoreLocation)) ?? settings.StoreLocation;
        settings.Enabled = parseResult.GetValue(Enabled)
            || bool.TryParse(FromEnvironment(nameof(TransportTlsOptions.Enabled)), out var enabled) && enabled
            || settings.CaPath is not null || settings.CertificatePath is not null || settings.Thumbprint is not null;
        var tls = TlsCertificates.Load(settings, TlsRole.Client, Name, DateTimeOffset.UtcNow, out var problems);
        return problems.Count == 0
            ? tls
            : throw new CliInputException(
                "the TLS settings cannot be used",
                $"Give the silos' authority with --tls-ca and, where the silos require one, this console's certificate with --tls-cert (the password in ${PasswordVariable}).",
                problems);
    }

    /// <summary>How the console's messages name a setting: by its flag, or by its variable where it has none.</summary>
    private static string Name(string property) => property switch
    {
        nameof(TransportTlsOptions.Enabled) => "--tls",
        nameof(TransportTlsOptions.CaPath) => "--tls-ca",
        nameof(TransportTlsOptions.CertificatePath) => "--tls-cert",
        nameof(TransportTlsOptions.KeyPath) => "--tls-key",
        nameof(TransportTlsOptions.Thumbprint) => "--tls-thumbprint",
        _ => "$" + Variable(property),
    };

    /// <summary>The silo's variable for a TLS setting: LENSSWEEP_TLS__CAPATH, …</summary>
    private static string Variable(string property) => $"{SiloConfiguration.EnvironmentPrefix}TLS__{property.ToUpperInvariant()}";

    private string? Value(ParseResult parseResult, Option<string?> option, string property) =>
        parseResult.GetValue(option) is { } given && !string.IsNullOrWhiteSpace(given) ? given : FromEnvironment(property);

    private string? FromEnvironment(string property) =>
        environment(Variable(property)) is { } text && !string.IsNullOrWhiteSpace(text) ? text : null;

    private static Option<string?> File(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "FILE",
        Recursive = true,
    };
}
