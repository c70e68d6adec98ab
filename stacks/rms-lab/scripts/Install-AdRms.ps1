<#
.SYNOPSIS
    Installs AD RMS as a root cluster, as the post sets it up: configuration database on the
    lab's SQL Server Express instance, cluster key stored in that database (centrally managed,
    protected by a password), cryptographic mode 1. Runs as the lab's domain administrator.
#>
param(
    [Parameter(Mandatory = $true)] [string] $DomainName,
    [Parameter(Mandatory = $true)] [string] $SqlInstance,
    [Parameter(Mandatory = $true)] [string] $ClusterUrl,
    [Parameter(Mandatory = $true)] [string] $ServiceAccount,
    [string] $CryptographicMode = "1",
    # Protected parameters.
    [Parameter(Mandatory = $true)] [string] $ServicePassword,
    [Parameter(Mandatory = $true)] [string] $ClusterKeyPassword
)
# @include common.ps1

Invoke-LabStep "install-rms" {
    $done = Join-Path $LabDir "adrms-installed"
    if (Test-Path $done) { Write-LabLog "AD RMS already installed ($(Get-Content $done -Raw))"; return }
    Install-LabFeature @("ADRMS", "ADRMS-Server")

    Wait-LabCondition "SQL Server $SqlInstance accepts this account" {
        $connection = New-Object System.Data.SqlClient.SqlConnection("Server=$SqlInstance;Integrated Security=SSPI;Connect Timeout=10")
        try { $connection.Open(); $true } finally { $connection.Dispose() }
    } 30

    Import-Module ADRMS
    if (-not (Get-PSDrive -Name RC -ErrorAction SilentlyContinue)) { New-PSDrive -PSProvider ADRMSInstall -Name RC -Root RootCluster | Out-Null }
    Write-LabLog "installer database settings before ours: $((Get-ItemProperty -Path RC:\ClusterDatabase | Out-String).Trim() -replace '\s+', ' ')"
    Set-ItemProperty -Path RC:\ClusterDatabase -Name UseWindowsInternalDatabase -Value $false
    Set-ItemProperty -Path RC:\ClusterDatabase -Name ServerName -Value $SqlInstance
    Set-ItemProperty -Path RC:\ClusterDatabase -Name DatabaseName -Value ("DRMS_Config_" + ($DomainName -replace '[^A-Za-z0-9]', '_'))
    Set-ItemProperty -Path RC:\ -Name ServiceAccount -Value (New-Object System.Management.Automation.PSCredential($ServiceAccount, (ConvertTo-LabSecureString $ServicePassword)))
    # The cluster key lives in the configuration database, protected by a password.
    Set-ItemProperty -Path RC:\ClusterKey -Name UseCentrallyManaged -Value $true
    Set-ItemProperty -Path RC:\ClusterKey -Name CentrallyManagedPassword -Value (ConvertTo-LabSecureString $ClusterKeyPassword)
    # Windows Server 2012 and later default to cryptographic mode 2; the post uses mode 1.
    if (-not (Test-Path RC:\CryptoSupport)) { throw "the AD RMS installer offers no RC:\CryptoSupport container; cannot choose cryptographic mode $CryptographicMode" }
    Set-ItemProperty -Path RC:\CryptoSupport -Name SupportCryptoMode2 -Value ($CryptographicMode -eq "2")
    Write-LabLog "cryptographic mode $CryptographicMode"
    Set-ItemProperty -Path RC:\ClusterWebSite -Name WebSiteName -Value "Default Web Site"
    Set-ItemProperty -Path RC:\ -Name ClusterURL -Value $ClusterUrl
    Set-ItemProperty -Path RC:\ -Name SLCName -Value "$DomainName AD RMS"
    Set-ItemProperty -Path RC:\ -Name RegisterSCP -Value $true
    Write-LabLog "installing the AD RMS root cluster $ClusterUrl on $SqlInstance"
    Install-ADRMS -Path RC:\ -Force | Out-Null
    Set-Content -Path $done -Value "$ClusterUrl, $(Get-Date -Format o)"
}
